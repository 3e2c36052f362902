"""One cheap read call per RMS function an account needs, and the diagnosis of a job's auth refusal.

RMS refuses a function that is not enabled in 利用機能一覧 the way it refuses bad credentials (a 401, with
GA0001 or ES04-01: docs/rms.md §1.4). So a refusal says "this function is off" only when another
function is accepted with the same credentials; when every probe is refused the credentials are at fault.
Any answer that is not a refusal (data, or a validation error such as a 400) proves the function is on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from accounts.models import EcAccount
from rakuten_link.functions import records
from rakuten_link.rms import RmsAuthError, RmsError, RmsRateLimitedError, RmsTransientError

PROBE_KEY = "function-check"  # a manageNumber / variantId that exists nowhere: the answer is just empty


def _search_orders(client) -> None:
    now = timezone.now()
    client.search_orders(date_type=1, start=now - timedelta(days=1), end=now, page=1, per_page=1)


PROBES: dict[str, Callable[..., object]] = {
    records.SEARCH_ORDER: _search_orders,
    # A well-formed number no shop has: RMS answers an empty list (or a validation error), never data.
    records.GET_ORDER: lambda client: client.get_orders(["000000-20000101-00000000"]),
    records.INVENTORY_BULK_GET: lambda client: client.bulk_get_inventories([(PROBE_KEY, PROBE_KEY)]),
    records.ITEMS_SEARCH: lambda client: client.search_items_page(hits=1),
    records.ITEMS_BULK_GET: lambda client: client.bulk_get_items([PROBE_KEY]),
    records.LICENSE: lambda client: client.get_license_expiry(),
}


def probe(client, function: str) -> tuple[bool | None, str]:
    """(True: enabled / False: refused / None: no answer, the error code)."""
    try:
        PROBES[function](client)
    except RmsAuthError as exc:
        return False, exc.code
    except (RmsTransientError, RmsRateLimitedError) as exc:
        return None, exc.code
    except RmsError as exc:  # a validation error: the gateway let the call through
        return True, exc.code
    return True, ""


def check_functions(account: EcAccount, client, *, accepted: tuple[str, ...] = ()) -> dict[str, bool | None]:
    """Probe every function the account needs (but those just ``accepted``) and record the ✓/✗ list.

    When no probe is accepted the credentials (not the functions) are at fault: nothing is marked ✗
    then, except a function refused with ES04-01, the code vendors tie to a disabled function.
    """
    results = {function: (True, "") if function in accepted else probe(client, function)
               for function in records.needed_functions(account)}
    any_accepted = any(enabled for enabled, _code in results.values())
    outcome = {}
    for function, (enabled, code) in results.items():
        if enabled is False and not any_accepted and not code.startswith("ES04"):
            enabled = None
        records.record_function(account, function, enabled, code=code)
        outcome[function] = enabled
    return outcome


def function_refused(account: EcAccount, client, exc: RmsAuthError, source: str) -> bool:
    """A job's call was refused: is it that one function being off? If so record it ✗ and say True.

    Another function is tried (the licence lookup, then the item search): accepted means the
    credentials are good and only ``exc.function`` is off.
    """
    if not exc.function:
        return False
    for other in (records.LICENSE, records.ITEMS_SEARCH, records.SEARCH_ORDER):
        if other == exc.function:
            continue
        enabled, _code = probe(client, other)
        if enabled:
            records.record_function(account, other, True, source=source)
            records.record_function(account, exc.function, False, code=exc.code, source=source)
            return True
    return False
