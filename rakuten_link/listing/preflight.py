"""The pre-flight check: everything that would make RMS refuse a listing, or Rakuten take it down.

Runs on every save and before every send (sending.py); any finding blocks the listing. Two kinds:
出品禁止ワード (words.py) in the title, tagline, descriptions and variant names, each hit with its field and
context; and RMS's structural rules (docs/rms.md §3, §4, §9), each naming the field to correct.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .draft import ListingDraft
from .markup import problem_message, script_problems
from .words import find_words

KEY_MAX_BYTES = 32  # manageNumber and variantId (§3)
MERCHANT_SKU_MAX_BYTES = 96  # merchantDefinedSkuId (§9)
MAX_SELECTORS = 6  # §4
MAX_SELECTOR_VALUES = 40  # §4
MAX_VARIANTS = 400  # §3 IE0121, §4
MAX_IMAGES = 20  # §4
# UNCONFIRMED: the reference gives no title limit for Item API 2.0. RMS's screens have long allowed
# 全角127文字 (255 bytes, a full-width character counting 2); the sandbox refuses over 255 characters.
TITLE_MAX_BYTES = 255
_KEY = re.compile(r"[a-z0-9_-]+")
_GENRE = re.compile(r"\d{6}")

FIELD_LABELS = {
    "manage_number": gettext_lazy("item management number"),
    "title": gettext_lazy("title"),
    "tagline": gettext_lazy("tagline"),
    "pc_description": gettext_lazy("PC description"),
    "sp_description": gettext_lazy("smartphone description"),
    "sales_description": gettext_lazy("sales description"),
    "variants": gettext_lazy("variants"),
    "images": gettext_lazy("images"),
    "genre_id": gettext_lazy("genre ID"),
    "price": gettext_lazy("price"),
}


@dataclass(frozen=True)
class Finding:
    """One reason not to send: the field, a message, and for a prohibited word the text around it."""

    field: str
    message: str
    before: str = ""
    found: str = ""
    after: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def shared_words() -> list[str]:
    """Words every account refuses (setting RAKUTEN_PROHIBITED_WORDS, a list), besides its own."""
    return [str(w).strip() for w in settings.RAKUTEN_PROHIBITED_WORDS if str(w).strip()]


def check_draft(draft: ListingDraft, words: list[str]) -> list[Finding]:
    """Every finding for ``draft`` against ``words`` (the account's plus the shared ones)."""
    return [*word_findings(draft, words), *structure_findings(draft)]


def texts_of(draft: ListingDraft) -> list[tuple[str, str, bool]]:
    """(field, text, is HTML) of every text a buyer reads, variant names included."""
    texts = [("title", draft.title, False), ("tagline", draft.tagline, False),
             ("pc_description", draft.pc_description, True), ("sp_description", draft.sp_description, True),
             ("sales_description", draft.sales_description, True)]
    for selector in draft.plan.selectors:
        texts.append(("variants", selector.display_name, False))
        texts += [("variants", value, False) for value in selector.values]
    return texts


def word_findings(draft: ListingDraft, words: list[str]) -> list[Finding]:
    findings = []
    for field, text, markup in texts_of(draft):
        for hit in find_words(text, words, markup=markup):
            message = _("%(field)s contains the prohibited word “%(word)s”. Remove or reword it.") % {
                "field": FIELD_LABELS[field], "word": hit.word}
            findings.append(Finding(field, message, hit.before, hit.found, hit.after))
    return findings


def structure_findings(draft: ListingDraft) -> list[Finding]:
    return [*_key_findings(draft), *_selector_findings(draft), *_variant_findings(draft), *_page_findings(draft),
            *markup_findings(draft)]


HTML_FIELDS = ("pc_description", "sp_description", "sales_description")


def markup_findings(draft: ListingDraft) -> list[Finding]:
    """Script in the HTML fields (markup.py): RMS refuses it, and it would run on the shop's page."""
    return [Finding(field, problem_message(FIELD_LABELS[field], problem))
            for field in HTML_FIELDS for problem in script_problems(getattr(draft, field))]




def key_problem(value: str) -> str | None:
    """Why ``value`` cannot be a manageNumber / variantId, or None (a-z 0-9 - _, ≤ 32 bytes)."""
    if not value:
        return _("it is empty")
    if not _KEY.fullmatch(value):
        return _("only a-z, 0-9, “-” and “_” are allowed")
    if len(value.encode()) > KEY_MAX_BYTES:
        return _("it is longer than %(n)d characters") % {"n": KEY_MAX_BYTES}
    return None


def _key_findings(draft: ListingDraft) -> list[Finding]:
    problem = key_problem(draft.manage_number)
    if problem is None:
        return []
    return [Finding("manage_number", _("The item management number “%(value)s” cannot be used: %(problem)s. "
                                       "Change it.") % {"value": draft.manage_number, "problem": problem})]


def _selector_findings(draft: ListingDraft) -> list[Finding]:
    plan, findings = draft.plan, []
    if len(plan.selectors) > MAX_SELECTORS:
        findings.append(Finding("variants", _(
            "%(n)d variant selectors: Rakuten allows at most %(max)d. Choose fewer options in the template.")
            % {"n": len(plan.selectors), "max": MAX_SELECTORS}))
    for selector in plan.selectors:
        if len(selector.values) > MAX_SELECTOR_VALUES:
            findings.append(Finding("variants", _(
                "The selector “%(name)s” has %(n)d values: Rakuten allows at most %(max)d. Reduce its values.")
                % {"name": selector.display_name, "n": len(selector.values), "max": MAX_SELECTOR_VALUES}))
    if len(plan.variants) == 1 and plan.selectors:
        findings.append(Finding("variants", _(
            "A product with a single SKU must have no variant selectors. Remove them from the template.")))
    if len(plan.variants) > 1 and not plan.selectors:
        findings.append(Finding("variants", _(
            "Several SKUs need at least one variant selector. Give the SKUs options (e.g. サイズ).")))
    return findings


def _variant_findings(draft: ListingDraft) -> list[Finding]:
    plan, findings = draft.plan, []
    if not plan.variants:
        return [Finding("variants", _("The product has no SKU. Add one before listing it."))]
    if len(plan.variants) > MAX_VARIANTS:
        findings.append(Finding("variants", _("%(n)d SKUs: Rakuten allows at most %(max)d per item. Split the "
                                              "product.") % {"n": len(plan.variants), "max": MAX_VARIANTS}))
    seen_ids: dict[str, str] = {}
    seen_values: dict[tuple, str] = {}
    for variant in plan.variants:
        problem = key_problem(variant.variant_id)
        if problem:
            message = _("The SKU %(sku)s cannot become a Rakuten SKU number: %(problem)s. Change its SKU code.")
            findings.append(Finding("variants", message % {"sku": variant.sku_code, "problem": problem}))
        if len(variant.sku_code.encode()) > MERCHANT_SKU_MAX_BYTES:
            findings.append(Finding("variants", _("The SKU code %(sku)s is longer than %(n)d bytes. Shorten it.")
                                    % {"sku": variant.sku_code, "n": MERCHANT_SKU_MAX_BYTES}))
        if variant.variant_id in seen_ids:
            findings.append(Finding("variants", _("The SKUs %(a)s and %(b)s become the same Rakuten SKU number "
                                                  "%(id)s. Change one SKU code.") % {
                "a": seen_ids[variant.variant_id], "b": variant.sku_code, "id": variant.variant_id}))
        seen_ids.setdefault(variant.variant_id, variant.sku_code)
        findings += _value_findings(draft, variant, seen_values)
    return findings


def _value_findings(draft: ListingDraft, variant, seen_values: dict[tuple, str]) -> list[Finding]:
    findings = [
        Finding("variants", _("The SKU %(sku)s has no value for “%(name)s”. Set it in the SKU's options.")
                % {"sku": variant.sku_code, "name": s.display_name})
        for s in draft.plan.selectors if not variant.values.get(s.key)
    ]
    key = tuple(variant.values.get(s.key, "") for s in draft.plan.selectors)
    if draft.plan.selectors and key in seen_values:
        findings.append(Finding("variants", _("The SKUs %(a)s and %(b)s have the same options. Make them differ.")
                                % {"a": seen_values[key], "b": variant.sku_code}))
    seen_values.setdefault(key, variant.sku_code)
    return findings


def title_bytes(text: str) -> int:
    """Length as RMS's screens count it: half-width characters 1 byte, everything else 2."""
    return sum(1 if ord(c) < 0x80 or 0xFF61 <= ord(c) <= 0xFF9F else 2 for c in text)


def _page_findings(draft: ListingDraft) -> list[Finding]:
    findings = []
    if not draft.title:
        findings.append(Finding("title", _("The title is empty. Set the template's title or this listing's.")))
    elif title_bytes(draft.title) > TITLE_MAX_BYTES:
        findings.append(Finding("title", _("The title is %(n)d bytes long: at most %(max)d (a full-width character"
                                           " counts 2). Shorten it.") % {"n": title_bytes(draft.title),
                                                                         "max": TITLE_MAX_BYTES}))
    if len(draft.images) > MAX_IMAGES:
        findings.append(Finding("images", _("%(n)d images: Rakuten allows at most %(max)d. Remove some from the "
                                            "template.") % {"n": len(draft.images), "max": MAX_IMAGES}))
    if not _GENRE.fullmatch(draft.genre_id):
        findings.append(Finding("genre_id", _("The genre ID “%(value)s” is not 6 digits. Set Rakuten's genre ID in "
                                              "the template.") % {"value": draft.genre_id}))
    if not draft.price:
        findings.append(Finding("price", _("The product %(code)s has no price. Set its price first.")
                                % {"code": draft.product_code}))
    return findings
