"""Lean bulk writes: one prepared statement run with executemany.

Django's bulk_create compiles every value through the query compiler (about 30 µs a value) and
bulk_update builds a CASE expression per row (about 0.7 ms a row and field); for order intake,
stock rows and pushed mappings those dominated. These prepare values with the same field methods
(so types, defaults and foreign keys behave as with the ORM) and send one statement for all rows.
"""

from __future__ import annotations

import contextlib
import functools
import operator
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.utils import timezone

from lib.modelfields import column_of, concrete_field

_M = TypeVar("_M", bound=Model)
_K = TypeVar("_K")


def insert_rows(objs: Sequence[Model]) -> None:
    """INSERT ``objs`` (all of one model) without fetching their primary keys.

    Fields stamped on insert (``auto_now``, ``auto_now_add``) take one time for the whole statement, prepared
    once (as ``update_rows`` stamps ``updated_at``).
    """
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    preparers = [_stamper(field, connection, objs[0]) if _stamped(field) else _preparer(field, connection)
                 for field in fields]
    take_keys = _key_taker(model)
    rows = []
    for obj in objs:
        take_keys(obj)
        rows.append([prepare(obj) for prepare in preparers])
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column_of(field)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})", rows)


# Fields whose database value is the Python value itself when it already has this exact type (or is None):
# their get_db_prep_save would only check that. Skipping it for those values halves the cost of an insert of
# thousands of orders and lines; any other value (or field) still goes through the field.
_AS_IS = {models.CharField: str, models.TextField: str, models.EmailField: str, models.IntegerField: int,
          models.BigIntegerField: int, models.SmallIntegerField: int, models.PositiveIntegerField: int,
          models.PositiveSmallIntegerField: int, models.PositiveBigIntegerField: int, models.BooleanField: bool}
_KEYS = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def _preparer(field: Field[Any, Any], connection: BaseDatabaseWrapper, *, insert: bool = True
              ) -> Callable[[Model], Any]:
    """``obj`` → the value sent for ``field``: ``get_db_prep_save`` of ``pre_save(obj)`` for an insert (auto_now
    fields take the time then), of the attribute as it is for an update."""
    read: Callable[[Model], Any]
    if not insert or type(field).pre_save is Field.pre_save:
        read = operator.attrgetter(field.attname)
    else:  # auto_now and the like set the value here
        read = functools.partial(_pre_save, field)
    as_is = _AS_IS.get(type(field))
    if isinstance(field, models.ForeignKey) and type(field.target_field) in _KEYS:
        as_is = int
    prep = field.get_db_prep_save

    def prepare(obj: Model) -> Any:
        value = read(obj)
        return value if value is None or type(value) is as_is else prep(value, connection)

    return prepare


def _stamped(field: Field[Any, Any]) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _stamper(field: Field[Any, Any], connection: BaseDatabaseWrapper, first: Model) -> Callable[[Model], Any]:
    """An auto_now(_add) field: the value its pre_save gives the first row, set on every row, prepared once."""
    value = field.pre_save(first, add=True)
    prepared = field.get_db_prep_save(value, connection)

    def stamp(obj: Model) -> Any:
        setattr(obj, field.attname, value)
        return prepared

    return stamp


def _key_taker(model: type[Model]) -> Callable[[Model], None]:
    """What save() does first about related objects, for each row: take the key of a related object saved since
    it was assigned (a line's order inserted just before it), refuse one still unsaved.

    Django's ``_prepare_related_fields_for_save`` does this through every relation's descriptors; reading the
    instance's cache of related objects directly costs a fraction of that per row, which counts at thousands
    of rows. A model with generic relations (none written here) goes through Django's own method.
    """
    if model._meta.private_fields:
        # Private Django API (what save() runs to refuse an unsaved related object), absent from django-stubs.
        return lambda obj: obj._prepare_related_fields_for_save(  # type: ignore[attr-defined]
            operation_name="insert_rows")
    relations = [(field, field.cache_name, field.attname) for field in model._meta.concrete_fields
                 if isinstance(field, models.ForeignKey)]  # one-to-one fields are foreign keys too

    def take(obj: Model) -> None:
        cached = obj._state.fields_cache
        for field, name, attname in relations:
            related = cached.get(name)
            if related is None:
                continue
            if related.pk is None:
                raise ValueError(f"insert_rows() prohibited to prevent data loss due to unsaved related object "
                                 f"'{field.name}'.")
            if getattr(obj, attname) in field.empty_values:  # past the descriptor: it would drop the cached object
                obj.__dict__[attname] = getattr(related, field.target_field.attname)

    return take


def _pre_save(field: Field[Any, Any], obj: Model) -> Any:
    return field.pre_save(obj, add=True)


def adopt_keys(objs: Sequence[_M], keys: Mapping[_K, Any], key_of: Callable[[_M], _K]) -> None:
    """Give rows inserted by insert_rows their primary keys, read back in one query by the caller.

    ``keys`` maps a natural key to the pk; ``key_of(obj)`` gives an object's natural key.
    """
    for obj in objs:
        obj.pk = keys[key_of(obj)]
        obj._state.adding = False
        obj._state.db = router.db_for_write(type(obj))


def update_rows(objs: Sequence[Model], field_names: Sequence[str], *, touch: bool = True) -> None:
    """UPDATE ``field_names`` of every object (all of one model) by primary key in one prepared statement.

    Bumps ``updated_at`` too when the model has one, unless ``touch`` is false (a column that caches what is
    already there, which followers of changed rows must not see as a change). Django's bulk_update builds a
    CASE per row: seconds for 10,000 rows, where this takes a fraction of one.
    """
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [concrete_field(model, name) for name in field_names]
    preparers = [_preparer(field, connection, insert=False) for field in fields]
    stamp = _updated_at(model) if touch else None
    now = timezone.now()
    stamped: list[Any] = []
    if stamp is not None:
        for obj in objs:
            setattr(obj, stamp.attname, now)
        fields.append(stamp)
        stamped = [stamp.get_db_prep_save(now, connection)]  # one value for every row: prepared once
    assignments = ", ".join(f"{quote(column_of(field))} = %s" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(column_of(model._meta.pk))} = %s"
    rows = [[prepare(obj) for prepare in preparers] + stamped + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _updated_at(model: type[Model]) -> Field[Any, Any] | None:
    try:
        return concrete_field(model, "updated_at")
    except FieldDoesNotExist:
        return None



# set_by_id: fast per-id integer updates (pushed and read quantities of mappings, Rakuten's quantities of
# the catalogue), one statement per batch instead of Django's bulk_update, which builds a Case/When tree per
# row and resolves it in Python (about 0.7 ms per row and field). On PostgreSQL the statement is written
# directly (`SET col = CASE id WHEN 1 THEN 5 … END WHERE id IN (…)`): one round trip, the server's work.
# Only integers are inlined (each passes through int()), so nothing user-typed reaches the SQL text;
# timestamps travel as parameters. SQLite runs in our process and evaluates such a CASE branch by branch for
# every row (1,000 rows cost it 5 ms); one prepared UPDATE per id, sent by executemany, costs a fifth.
def set_by_id(model: type[Model], values: dict[int, int | None], *, columns: tuple[str, ...],
              also: dict[str, Any] | None = None) -> None:
    """Set each of ``columns`` to ``values[id]`` (NULL for None) and ``also`` to one value, for every id."""
    if not values:
        return
    quote = connection.ops.quote_name
    pk = quote(column_of(model._meta.pk))
    table = quote(model._meta.db_table)
    params = [_adapt(model, column, value) for column, value in (also or {}).items()]
    others = [f"{quote(column)} = %s" for column in also or {}]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            assignments = ", ".join([*(f"{quote(column)} = %s" for column in columns), *others])
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                               [[*([None if v is None else int(v)] * len(columns)), *params, int(key)]
                                for key, v in values.items()])
            return
        whens = " ".join(f"WHEN {int(key)} THEN {'NULL' if v is None else int(v)}" for key, v in values.items())
        # The CAST matters on PostgreSQL: a CASE whose branches are all NULL would otherwise be text.
        cases = [f"{quote(column)} = CAST(CASE {pk} {whens} END AS INTEGER)" for column in columns]
        ids = ", ".join(str(int(key)) for key in values)
        cursor.execute(f"UPDATE {table} SET {', '.join([*cases, *others])} WHERE {pk} IN ({ids})", params)


def _adapt(model: type[Model], column: str, value: Any) -> Any:
    """Let the field turn the value into what this database stores (aware datetimes → UTC on SQLite)."""
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    return field.get_db_prep_save(value, connection)


def insert_values(model: type[Model], field_names: Sequence[str], rows: Sequence[Sequence[Any]], *,
                  plain: Collection[str] = ()) -> None:
    """INSERT plain value rows (in ``field_names`` order) into ``model``'s table: no model instance per row.

    For rows written in bulk (the order timeline, the Rakuten catalogue), where building and preparing an
    instance per row cost more than the insert. Values go through each field's ``get_db_prep_save``, column by
    column, except those of the ``plain`` fields, which the caller passes ready (strings, integers, flags, a
    foreign key's key, a JSON field's JSON text): rows of plain fields only reach the database as they are. A
    column left out gets NULL (the database knows no Django default). PostgreSQL takes the rows by COPY
    (a fifth of executemany's client time and far fewer round trips), SQLite by one prepared executemany.
    """
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [concrete_field(model, name) for name in field_names]
    if any(len(row) != len(fields) for row in rows):
        raise ValueError(f"insert_values() rows must have {len(fields)} values, one per field")
    preps = [None if name in plain else field.get_db_prep_save for name, field in zip(field_names, fields, strict=True)]
    if any(preps):
        columns = [values if prep is None else _prepared(values, prep, connection)
                   for prep, values in zip(preps, zip(*rows, strict=True), strict=True)]
        rows = list(zip(*columns, strict=True))
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(column_of(field)) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, f"COPY {table} ({names}) FROM STDIN", rows)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})", rows)


def _prepared(values: Sequence[Any], prep: Callable[[Any, BaseDatabaseWrapper], Any],
              connection: BaseDatabaseWrapper) -> list[Any]:
    """``prep`` of each value; a value shared by consecutive rows (a run's one timestamp) is prepared once."""
    out, last, done = [], object(), None
    for value in values:
        if value is not last:
            last, done = value, prep(value, connection)
        out.append(done)
    return out


def _copy(cursor: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """COPY ``rows`` through psycopg, as one query to Django: execute wrappers and the query log see it
    (query counts in tests, benchmarks), and database errors arrive as Django's (IntegrityError...)."""
    def copy(sql: str, params: Sequence[Sequence[Any]], many: bool, context: dict[str, Any]) -> None:
        with cursor.db.wrap_database_errors, cursor.cursor.copy(sql) as stream:
            for row in params:
                stream.write_row(row)

    cursor.db.validate_no_broken_transaction()
    debug = getattr(cursor, "debug_sql", None)  # CursorDebugWrapper: queries are being logged
    with debug(sql, rows, many=True) if debug else contextlib.nullcontext():
        # Django's private hook that runs connection.execute_wrapper() around a query (absent from the stubs).
        cursor._execute_with_wrappers(sql, rows, True, copy)
