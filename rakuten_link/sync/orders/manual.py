"""Manual fetch of one order by its number (the admin's 注文番号で取得 and `manage.py fetch_order`).

It goes through the same batch code as the scheduled fetch (write, allocation, alerts, auto-confirm), so
an order fetched by hand is indistinguishable from one fetched by the job, and fetching it again only
refreshes it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from accounts.secrets import SecretUnreadable
from orders.models import Order
from orders.services import allocate_order
from rakuten_link.rms import RmsAuthError, RmsClient, RmsError
from rakuten_link.sync.clients import client_for
from rakuten_link.sync.orders.batch import OrderBatches
from rakuten_link.sync.orders.lines import match_line
from rakuten_link.sync.orders.matching import LineMatcher
from rakuten_link.sync.runner import pause_after_auth_failure

# <6-digit shop number>-<YYYYMMDD>-<8 or 10 digits> (docs/rms.md §1.3).
ORDER_NUMBER = re.compile(r"^\d{6}-\d{8}-(\d{8}|\d{10})$")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−ーｰ"})

CREATED, REFRESHED, NOT_FOUND, INVALID, FAILED = "created", "refreshed", "not_found", "invalid", "failed"


@dataclass
class ManualFetch:
    status: str
    message: str
    order: Order | None = None

    @property
    def ok(self) -> bool:
        return self.status in (CREATED, REFRESHED)


def normalize_order_number(text: str) -> str:
    """Full-width digits and the dashes of Japanese input methods become the ASCII spelling."""
    return unicodedata.normalize("NFKC", text or "").translate(_DASHES).strip()


def invalid_number_message(text: str) -> str:
    return _("%(value)s is not a Rakuten order number. It looks like 123456-20240501-00000001: "
             "shop number, order date, then 8 or 10 digits.") % {"value": text or "—"}


def fetch_order_by_number(account: EcAccount, text: str, *, client: RmsClient | None = None) -> ManualFetch:
    number = normalize_order_number(text)
    if not ORDER_NUMBER.match(number):
        return ManualFetch(INVALID, invalid_number_message(text))
    existed = Order.objects.filter(account=account, order_number=number).exists()
    try:
        client = client or client_for(account)
    except SecretUnreadable as exc:  # wrong FIELD_ENCRYPTION_KEY: nothing is sent to RMS
        return ManualFetch(FAILED, str(exc))
    batches = OrderBatches(account, client)
    try:
        result = batches.run([number])
    except RmsAuthError as exc:
        pause_after_auth_failure(account, exc)
        return ManualFetch(FAILED, _("RMS refused the credentials of %(account)s: %(reason)s")
                           % {"account": account.name, "reason": account.status_reason})
    except RmsError as exc:
        return ManualFetch(FAILED, _("RMS could not be asked for order %(number)s: %(error)s")
                           % {"number": number, "error": exc})
    if result.missing:
        message = _("RMS did not return order %(number)s for account %(account)s. Check the number, that the "
                    "order belongs to this shop and that it is less than 730 days old.")
        return ManualFetch(NOT_FOUND, message % {"number": number, "account": account.name})
    order = Order.objects.get(account=account, order_number=number)
    if not existed:
        return ManualFetch(CREATED, _("Order %(number)s fetched and stored (%(state)s).")
                           % {"number": number, "state": order.get_state_display()}, order)
    changes = batches.counts["changes"]
    return ManualFetch(REFRESHED, _("Order %(number)s was already stored; it was refreshed from RMS "
                                    "(%(n)d changes recorded).") % {"number": number, "n": changes}, order)


@transaction.atomic
def rematch_order(order: Order) -> int:
    """Match the 要確認 lines again (a mapping may have been added since), then retry the allocation."""
    order = Order.objects.select_for_update().select_related("account").get(pk=order.pk)
    lines = [line for line in order.lines.all() if line.sku_id is None and not line.removed]
    matcher = LineMatcher.load(order.account, {line.manage_number for line in lines})
    matched = 0
    for line in lines:
        line.sku_id = match_line(matcher, line)
        if line.sku_id is not None:
            line.save(update_fields=["sku"])
            matched += 1
    allocate_order(order)
    return matched
