"""Exactly-once writes for clients that retry: per item (``key``) or per request (``Idempotency-Key``).

A repeat with the same key and the same body answers what the first call answered and changes nothing;
the same key with another body is a 409. The key rows are inserted with their answers at the end of the
write, in its transaction: of two concurrent calls with one key, the second waits (on the stock rows, then
on the unique index), fails once the first commits, rolls back everything it did, and its retry finds the
first's answer. All or nothing: a refused item rolls back the keys too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import ApiToken, IdempotencyRecord
from .problems import ApiProblem, FieldError

ATTEMPTS = 3


def fingerprint(operation: str, data: Any) -> str:
    text = json.dumps([operation, data], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def run_keyed(token: ApiToken, *, operation: str, items: Sequence[dict[str, Any]], request_key: str | None,
              apply: Callable[[list[int]], list[dict[str, Any]]]) -> dict[str, Any]:
    """``apply(indexes)`` writes the items not seen before and returns their results, in order."""
    keys = [item.get("key") for item in items]
    if request_key is None and any(k is None for k in keys):
        missing = [FieldError("key_required", _("Give each item a key, or the request an Idempotency-Key header."),
                              "key", i) for i, k in enumerate(keys) if k is None]
        raise ApiProblem(422, "key_required", missing[0].detail, missing)
    _refuse_duplicates(keys)
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _run(token, operation, items, request_key, apply)
        except IntegrityError:  # a concurrent call with the same key committed first: answer from its rows
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _refuse_duplicates(keys: list[str | None]) -> None:
    seen: dict[str, int] = {}
    errors = []
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in seen:
            errors.append(FieldError("duplicate_key", _("The same key as item %(n)d.") % {"n": seen[key]},
                                     "key", index, key))
        seen.setdefault(key, index)
    if errors:
        raise ApiProblem(422, "duplicate_key", errors[0].detail, errors)


def _run(token, operation, items, request_key, apply) -> dict[str, Any]:
    if request_key is not None:
        whole = fingerprint(operation, list(items))
        record = IdempotencyRecord.objects.filter(token=token, key=f"request:{request_key}").first()
        if record is not None:
            if record.fingerprint != whole:
                raise ApiProblem(409, "idempotency_conflict",
                                 _("The Idempotency-Key %(key)s was used before with another body.")
                                 % {"key": request_key})
            return {**record.result, "results": [{**r, "replayed": True} for r in record.result["results"]]}
    prints = [fingerprint(operation, item) for item in items]
    keyed = {f"item:{item['key']}": i for i, item in enumerate(items) if item.get("key") is not None}
    known = {r.key: r for r in IdempotencyRecord.objects.filter(token=token, key__in=list(keyed))}
    conflicts = [FieldError("idempotency_conflict", _("This key was used before with another body."), "key",
                            keyed[k], items[keyed[k]]["key"])
                 for k, r in known.items() if r.fingerprint != prints[keyed[k]]]
    if conflicts:
        raise ApiProblem(409, "idempotency_conflict", conflicts[0].detail, conflicts)
    replayed = {keyed[k]: r for k, r in known.items()}
    new = [i for i in range(len(items)) if i not in replayed]
    fresh = dict(zip(new, apply(new), strict=True))
    results = [fresh[i] if i in fresh else {**replayed[i].result, "replayed": True} for i in range(len(items))]
    body = {"results": results}
    records = [IdempotencyRecord(token=token, key=f"item:{items[i]['key']}", fingerprint=prints[i], result=fresh[i])
               for i in new if items[i].get("key") is not None]
    if request_key is not None:
        records.append(IdempotencyRecord(token=token, key=f"request:{request_key}", fingerprint=whole, result=body))
    # Last, in the write's transaction: a concurrent twin's rows hit the unique index here, its whole transaction
    # (its stock movements too) rolls back, and its retry answers from ours.
    IdempotencyRecord.objects.bulk_create(records)
    return body
