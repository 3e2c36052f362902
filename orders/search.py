"""The order list's search: what a term looks like decides which index answers it.

At 300,000 orders a `contains` match on every search field reads the whole table, so each kind of term has
a lookup of its own (the expressions and their indexes: orders/models/search_keys.py):

- a whole order number (123456-20240501-00000001; any dash, full-width digits) → the order_number index;
- the start of one, with its dashes (123456-20240501) → a range of the same index;
- 4 digits or more (hyphens allowed) → orders whose number ends with them, through the index of the last
  four characters, and buyers whose phone number without hyphens is exactly those digits;
- an e-mail address (with @) → the whole address, any case (the index of LOWER(buyer_email));
- anything else is a name: buyer name or kana containing the term, spaces ignored on both sides
  (佐藤翔太 finds 佐藤 翔太), the newest NAME_WINDOW matches. PostgreSQL finds a term of 3 characters or
  more through trigram indexes (migration order_list_search_indexes) when pg_trgm is there; SQLite,
  PostgreSQL without pg_trgm and every shorter term (a family name: 佐藤) read the (name, kana,
  ordered_at, id) index of every order rather than the table. A common family name matches a tenth of
  a shop's orders: the window keeps such a search from sorting all of them, and the list then says
  1,000件以上.

The search help text on the list says the same to staff.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, Lower

from .models import Order
from .models.search_keys import TAIL_LENGTH, CompactNames, CompactText, NumberTail, PhoneDigits

WHOLE_NUMBER = re.compile(r"^\d{6}-\d{8}-\d{8,10}$")
NUMBER_START = re.compile(r"^\d{6}-\d{1,8}(-\d{0,10})?$")
DIGITS = re.compile(r"^[\d-]+$")
DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−ーｰ"})
# Every character an order number may hold sorts below this one: [start, start + END) holds its continuations.
RANGE_END = "~"


def normalise(term: str) -> str:
    """Full-width digits, letters, @ and spaces to ASCII, half-width kana to full-width (NFKC); no outer spaces."""
    return unicodedata.normalize("NFKC", term).strip()


NAME_WINDOW = 1_000
TRIGRAM = 3  # pg_trgm can use its index for a LIKE pattern of 3 characters or more


def is_name_search(term: str) -> bool:
    """True when ``term`` is searched as a name (the list then counts up to NAME_WINDOW only)."""
    term = normalise(term)
    number = term.translate(DASHES)
    return bool(term) and not (WHOLE_NUMBER.match(number) or DIGITS.match(number) or "@" in term
                               or (NUMBER_START.match(number) and "-" in number))


def search_orders(queryset: QuerySet[Order], term: str) -> QuerySet[Order]:
    """``queryset`` narrowed to the orders ``term`` finds (see the module's docstring)."""
    term = normalise(term)
    number = term.translate(DASHES)  # only for numbers: ー is also the long vowel of a kana name
    if not term:
        return queryset
    if WHOLE_NUMBER.match(number):
        return queryset.filter(order_number=number)
    if NUMBER_START.match(number) and "-" in number:
        return queryset.filter(order_number__gte=number, order_number__lt=number + RANGE_END,
                               order_number__startswith=number)
    if DIGITS.match(number):
        return _digits(queryset, number.replace("-", ""))
    if "@" in term:
        return queryset.alias(email_key=Lower("buyer_email")).filter(email_key=term.lower())
    return _name(queryset, term)


def _digits(queryset: QuerySet[Order], digits: str) -> QuerySet[Order]:
    if len(digits) < TAIL_LENGTH:
        return queryset.none()  # too short for an index; the help text asks for 4 digits or more
    found = queryset.alias(tail=NumberTail("order_number"), phone=PhoneDigits("buyer_phone"))
    return found.filter(Q(tail=digits[-TAIL_LENGTH:], order_number__endswith=digits) | Q(phone=digits))


def _name(queryset: QuerySet[Order], term: str) -> QuerySet[Order]:
    compact = re.sub(r"\s+", "", term)
    named: QuerySet[Order]
    if connections[queryset.db].vendor == "postgresql" and len(compact) >= TRIGRAM:
        named = queryset.alias(name=CompactText("buyer_name"), kana=CompactText("buyer_kana")).filter(
            Q(name__icontains=compact) | Q(kana__icontains=compact))  # UPPER(…) LIKE UPPER(…): the trigram indexes
    else:
        # One LIKE over name and kana together, the cheapest test of each row of the index; on PostgreSQL not
        # the trigram indexes' expression, which find nothing to look up in two characters (佐藤) and would
        # hand back every row to check.
        # A term without upper- and lower-case letters (kanji, kana, digits) matches the same either way:
        # then no UPPER() on every row.
        lookup = "names__icontains" if compact.lower() != compact.upper() else "names__contains"
        named = queryset.alias(names=CompactNames("buyer_name", "buyer_kana")).filter(**{lookup: compact})
    # The window is taken within the list's filters (``queryset``). Its ids are read once (the list's count
    # and page then look them up by key), sorted by an expression: by the bare column, SQLite would walk the
    # date index and read every order for a rare name, where the (name, kana, ordered_at, id) index holds all
    # it needs. One more than the window, so that the list can tell "more than NAME_WINDOW" from that many.
    newest = Coalesce("ordered_at", "ordered_at").desc()
    window = named.order_by(newest, "-pk").values_list("pk", flat=True)[: NAME_WINDOW + 1]
    return queryset.filter(pk__in=list(window))
