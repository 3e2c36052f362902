"""The normalised forms of an order's searchable fields, each an SQL expression with an index on it.

The order list's search (orders/search.py) asks for these expressions and the database answers from the
index of the very same expression (Order.Meta.indexes): no extra column for a writer to keep in step, and
rows written by any path (intake, manual fetch, bulk inserts) are covered the moment they are written.

Each template is plain SQL with its constants written in: SQLite matches a query's expression to an
indexed one only when the text is the same and holds no bound parameter, and Django's Replace() would
pass its '-' and '' as parameters.
"""

from __future__ import annotations

from django.db.models import CharField, Func

TAIL_LENGTH = 4  # the last digits of an order number kept in the tail index; a shorter term cannot use it


class PhoneDigits(Func):
    """A phone number without its hyphens and spaces: 090-1234-5678 → 09012345678."""

    template = "REPLACE(REPLACE(%(expressions)s, '-', ''), ' ', '')"
    output_field = CharField()


class NumberTail(Func):
    """The last TAIL_LENGTH characters of an order number, which narrow a "last digits" search to a few rows."""

    template = "RIGHT(%(expressions)s, 4)"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="SUBSTR(%(expressions)s, -4)", **extra_context)


class CompactText(Func):
    """A name without its spaces: 佐藤 翔太 and 佐藤翔太 read the same (intake joins family and given name
    with one half-width space; a full-width one costs a second REPLACE on every row, so is left)."""

    template = "REPLACE(%(expressions)s, ' ', '')"
    output_field = CharField()


class CompactNames(CompactText):
    """Name and kana as one text for one LIKE, a line break between them so no match spans the two."""

    arg_joiner = " || '\n' || "
