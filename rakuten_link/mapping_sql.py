"""Fast per-id integer updates for mappings: one statement per batch instead of Django's bulk_update.

Django's bulk_update builds a Case/When expression tree per row and resolves it in Python: about
0.7 ms per row and field, i.e. seven seconds for 10,000 pushed mappings. (Whole-row updates use
lib.fastwrite.update_rows.) ``set_by_id`` writes the same statement directly
(`SET col = CASE id WHEN 1 THEN 5 … END WHERE id IN (…)`) costs a few milliseconds per batch on
SQLite and PostgreSQL alike. Only integers are inlined (each passes through int()), so nothing
user-typed ever reaches the SQL text; timestamps travel as parameters.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model


def set_by_id(model: type[Model], values: dict[int, int | None], *, columns: tuple[str, ...],
              also: dict[str, Any] | None = None) -> None:
    """Set each of ``columns`` to ``values[id]`` (NULL for None) and ``also`` to one value, for every id."""
    if not values:
        return
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    whens = " ".join(f"WHEN {int(key)} THEN {'NULL' if v is None else int(v)}" for key, v in values.items())
    # The CAST matters on PostgreSQL: a CASE whose branches are all NULL would otherwise be text.
    assignments = [f"{quote(column)} = CAST(CASE {pk} {whens} END AS INTEGER)" for column in columns]
    params = []
    for column, value in (also or {}).items():
        assignments.append(f"{quote(column)} = %s")
        params.append(_adapt(model, column, value))
    ids = ", ".join(str(int(key)) for key in values)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {', '.join(assignments)} WHERE {pk} IN ({ids})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _adapt(model: type[Model], column: str, value: Any) -> Any:
    """Let the field turn the value into what this database stores (aware datetimes → UTC on SQLite)."""
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    return field.get_db_prep_save(value, connection)
