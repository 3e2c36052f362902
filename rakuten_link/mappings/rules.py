"""Rules for product mappings, shared by the admin form, the CSV import and the sync jobs.

RMS folds manageNumber (商品管理番号) to lower case but keeps variantId (SKU管理番号) case-sensitive;
both are at most 32 bytes of a-z, 0-9, '-' and '_' (variantId also A-Z) — docs/rms.md §3. We
check them before anything reaches RMS, because one bad key makes a whole bulk call fail.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_KEY_BYTES = 32
MAX_MERCHANT_SKU_BYTES = 96
MAX_QUANTITY = 99_999
_MANAGE_NUMBER = re.compile(r"^[a-z0-9_-]+$")
_VARIANT_ID = re.compile(r"^[A-Za-z0-9_-]+$")


class MappingError(ValueError):
    """One field of a mapping is not acceptable; ``field`` names it for forms and CSV reports."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_manage_number(value: str) -> str:
    """商品管理番号 as RMS stores it: trimmed and lower case; raises MappingError when unusable.

    Full-width letters and digits typed with a Japanese input method become half-width first (NFKC).
    """
    value = unicodedata.normalize("NFKC", value or "").strip().lower()
    if not value:
        raise MappingError("manage_number", _("The item management number is required."))
    if len(value.encode("utf-8")) > MAX_KEY_BYTES:
        raise MappingError("manage_number", _("At most %(n)d bytes.") % {"n": MAX_KEY_BYTES})
    if not _MANAGE_NUMBER.match(value):
        raise MappingError("manage_number", _("Only a–z, 0–9, '-' and '_' are allowed."))
    return value


def check_variant_id(value: str) -> str:
    """SKU管理番号, case kept (after NFKC); "" is allowed (a legacy mapping resolved by verification)."""
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value:
        return ""
    if len(value.encode("utf-8")) > MAX_KEY_BYTES:
        raise MappingError("variant_id", _("At most %(n)d bytes.") % {"n": MAX_KEY_BYTES})
    if not _VARIANT_ID.match(value):
        raise MappingError("variant_id", _("Only A–Z, a–z, 0–9, '-' and '_' are allowed."))
    return value


def check_merchant_sku(value: str) -> str:
    value = (value or "").strip()
    if len(value.encode("utf-8")) > MAX_MERCHANT_SKU_BYTES:
        raise MappingError("merchant_defined_sku_id", _("At most %(n)d bytes.") % {"n": MAX_MERCHANT_SKU_BYTES})
    return value


@dataclass(frozen=True)
class MappingKey:
    """What identifies the Rakuten side of a mapping: a variantId, or legacy 横軸/縦軸 choice names."""

    manage_number: str
    variant_id: str = ""
    legacy_h_choice: str = ""
    legacy_v_choice: str = ""

    @property
    def lookup(self) -> tuple[str, ...]:
        """The unique key among an account's mappings (see the model's two constraints)."""
        if self.variant_id:
            return ("v", self.manage_number, self.variant_id)
        return ("l", self.manage_number, self.legacy_h_choice, self.legacy_v_choice)


def mapping_key(manage_number: str, variant_id: str = "", h_choice: str = "", v_choice: str = "") -> MappingKey:
    """Validate and normalise the Rakuten side; a variantId or at least one legacy choice is needed."""
    key = MappingKey(
        normalise_manage_number(manage_number),
        check_variant_id(variant_id),
        (h_choice or "").strip()[:100],
        (v_choice or "").strip()[:100],
    )
    if not key.variant_id and not (key.legacy_h_choice or key.legacy_v_choice):
        raise MappingError(
            "variant_id", _("Give the SKU management number, or the horizontal / vertical choice names.")
        )
    return key


def rakuten_sku_label(mapping) -> str:
    """A mapping's Rakuten side as staff read it: ``tee01 / tee01-m-blk`` or ``bag01 / 黒 × M``."""
    side = mapping.variant_id or " × ".join(c for c in (mapping.legacy_h_choice, mapping.legacy_v_choice) if c)
    return f"{mapping.manage_number} / {side}"


def shared_sku_messages(sku_code: str, lines: list[int], stored: list, *, limit: int = 5) -> list[str]:
    """Why one of our SKUs sold as several Rakuten SKUs of an account deserves a look (never an error).

    Legitimate for set items, so the form and the CSV import only warn. ``lines`` are other lines of the
    same upload, ``stored`` other mappings already saved; each list is cut at ``limit`` entries.
    """
    messages = []
    if lines:
        shown = ", ".join(str(n) for n in lines[:limit]) + (", …" if len(lines) > limit else "")
        messages.append(_("SKU %(sku)s is also on line(s) %(lines)s of this file.")
                        % {"sku": sku_code, "lines": shown})
    if stored:
        labels = sorted(rakuten_sku_label(m) for m in stored)
        shown = ", ".join(labels[:limit]) + (", …" if len(labels) > limit else "")
        messages.append(_("SKU %(sku)s is already mapped to another Rakuten SKU of this account: %(others)s.")
                        % {"sku": sku_code, "others": shown})
    return messages


def sellable_quantity(on_hand: int, safety_stock: int) -> int:
    """What Rakuten may sell (docs/stock.md): Σ on_hand − safety stock, floored at 0, capped at 99,999."""
    return max(0, min(MAX_QUANTITY, on_hand - safety_stock))


def effective_safety_stock(mapping_safety: int | None, account_safety: int) -> int:
    """The mapping's own safety stock overrides the account's default when set."""
    return account_safety if mapping_safety is None else mapping_safety


def request_verification(account_id: int) -> None:
    """Verify soon instead of within 5 minutes, so new mappings turn green while staff watch."""
    from django_q.tasks import async_task

    async_task("rakuten_link.tasks.run_for_account", account_id, "mappings", task_name=f"mappings-{account_id}")
