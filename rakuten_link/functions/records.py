"""The one writer of ApiFunctionCheck, the functions an account's jobs need, and what staff are told.

A function switched off in RMS is refused like bad credentials (401, GA0001 or ES04-01: docs/rms.md §1.4),
so it is told apart only by another function being accepted at the same time (sync/function_check.py).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from rakuten_link.models import ApiFunctionCheck
from rakuten_link.wording import function_label

SEARCH_ORDER, GET_ORDER = "rpay.order.searchOrder", "rpay.order.getOrder"
INVENTORY_BULK_GET = "inventoryapi_2.0.bulk.get"
ITEMS_SEARCH, ITEMS_BULK_GET = "itemapi_2.0.items.search", "itemapi_2.0.items.bulk.get"
LICENSE = "license.expiryDate.get"
# RMS's own path to the switch, as its menus name it.
WHERE_TO_ENABLE = "RMS › 店舗様向け情報・サービス › 6 WEB APIサービス › アプリ一覧 › 詳細 › 利用機能一覧"


def needed_functions(account: EcAccount) -> list[str]:
    """The functions the account's enabled jobs call (the licence check, the mapping check and the
    catalogue pull always run; orders and stock only when their switch is on)."""
    functions = [SEARCH_ORDER, GET_ORDER] if account.job_fetch_orders else []
    if account.job_push_inventory:
        functions.append(INVENTORY_BULK_GET)
    return [*functions, ITEMS_SEARCH, ITEMS_BULK_GET, LICENSE]


def record_function(account: EcAccount, function: str, enabled: bool | None, *, code: str = "",
                    source: str = "check") -> None:
    ApiFunctionCheck.objects.update_or_create(
        account=account, function=function[:60],
        defaults={"enabled": enabled, "error_code": code[:80], "source": source[:20], "checked_at": timezone.now()},
    )


def guidance(function: str) -> str:
    """What to do about a function RMS refuses: its name and where in RMS to switch it on."""
    return _("%(function)s is not enabled for this licenseKey in RMS. Switch it on in %(where)s.") % {
        "function": function_label(function), "where": WHERE_TO_ENABLE}


def disabled_functions(account: EcAccount) -> list[str]:
    return list(ApiFunctionCheck.objects.filter(account=account, enabled=False).order_by("function")
                .values_list("function", flat=True))
