"""Checking and sending listings: the one writer of Listing.status (docs/rms.md §4, §9).

check_listing records the pre-flight findings (blocked / draft). send_listing checks again, commits
``sending`` before the call, sends a full items.upsert and records what RMS said: per field on a refusal,
a plain message when the shop is not migrated to SKUs (IE1105), and on success the sent JSON, one
verified ProductMapping per variant and a stock push, so stock sync starts at once. When the outcome is
unknown (a timeout after sending), the listing stays ``sending`` and the next send reads the item back
with items.get before it repeats. Withdrawing hides the item (hideItem) and never deletes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from rakuten_link.mappings.status import verified
from rakuten_link.models import ProductMapping
from rakuten_link.rms import RmsClient
from rakuten_link.rms.errors import RmsError, RmsNotFoundError
from rakuten_link.sync.inventory.pending import request_push

from .draft import ListingDraft, build_draft
from .models import Listing, ListingStatus
from .payload import item_body
from .preflight import Finding, check_draft, shared_words
from .pricing import price_sent

NOT_MIGRATED = "IE1105"
# RMS propertyPath prefixes → our field names (anything else is shown under "item").
_PATH_FIELDS = (("manageNumber", "manage_number"), ("title", "title"), ("tagline", "tagline"),
                ("productDescription.pc", "pc_description"), ("productDescription.sp", "sp_description"),
                ("productDescription", "pc_description"), ("salesDescription", "sales_description"),
                ("genreId", "genre_id"), ("images", "images"), ("variantSelectors", "variants"),
                ("variants", "variants"))


@dataclass(frozen=True)
class SendResult:
    listing: Listing
    ok: bool
    created: bool = False
    message: str = ""


def words_for(account) -> list[str]:
    return [*account.prohibited_word_list, *shared_words()]


def findings_for(listing: Listing) -> list[Finding]:
    return check_draft(build_draft(listing), words_for(listing.account))


def check_listing(listing: Listing, *, save: bool = True) -> list[Finding]:
    """Run the pre-flight check and record it: any finding blocks, none lifts an earlier block."""
    findings = findings_for(listing)
    listing.findings = [f.to_dict() for f in findings]
    listing.checked_at = timezone.now()
    if findings:
        listing.status = ListingStatus.BLOCKED
    elif listing.status == ListingStatus.BLOCKED:
        listing.status = ListingStatus.DRAFT
    if save:
        listing.save(update_fields=["findings", "checked_at", "status", "updated_at"])
    return findings


def send_listing(listing: Listing, client: RmsClient) -> SendResult:
    """Check, then items.upsert (full replace); records the outcome on the listing and returns it."""
    outcome_unknown = listing.status == ListingStatus.SENDING
    if check_listing(listing):
        return SendResult(listing, False, message=_("Blocked by the pre-flight check: nothing was sent."))
    draft = build_draft(listing)
    body = item_body(draft)
    _record(listing, ListingStatus.SENDING, {})  # committed before the call: a crash leaves a trace
    try:
        if outcome_unknown and _already_there(client, draft, body):
            created = False
        else:
            created = client.upsert_item(draft.manage_number, body)
    except RmsError as exc:
        return _failed(listing, exc)
    _succeeded(listing, draft, body)
    message = _("Listed on Rakuten (new item).") if created else _("Sent to Rakuten (item replaced).")
    return SendResult(listing, True, created, message)


def withdraw_listing(listing: Listing, client: RmsClient) -> SendResult:
    """Hide the item on Rakuten with a full upsert (hideItem); it is never deleted from here."""
    listing.withdrawn = True
    listing.save(update_fields=["withdrawn", "updated_at"])
    return send_listing(listing, client)


def _already_there(client: RmsClient, draft: ListingDraft, body: dict) -> bool:
    """After an unknown outcome: does RMS already hold exactly the variants we sent?"""
    try:
        item = client.get_item(draft.manage_number)
    except RmsNotFoundError:
        return False
    sent_ids = {v.variant_id for v in draft.plan.variants}
    return item.title == draft.title and set(item.variants) == sent_ids


def _record(listing: Listing, status: str, errors: dict) -> None:
    listing.status = status
    listing.errors = errors
    listing.save(update_fields=["status", "errors", "updated_at"])


def field_of(property_path: str) -> str:
    for prefix, field in _PATH_FIELDS:
        if property_path == prefix or property_path.startswith((prefix + ".", prefix + "[")):
            return field
    return "item"


def _failed(listing: Listing, exc: RmsError) -> SendResult:
    if not exc.permanent:
        message = _("RMS did not answer (%(error)s): whether the item was saved is unknown. Send again later; "
                    "the item is read back first.") % {"error": exc.message}
        _record(listing, ListingStatus.SENDING, {"item": [message]})
        return SendResult(listing, False, message=message)
    codes = {exc.code, *(d.code for d in exc.errors)}
    if NOT_MIGRATED in codes:
        message = _("This shop has not been migrated to RMS's SKU model, so items cannot be registered through "
                    "the API (IE1105). Migrate the shop to the SKU model in RMS first: the normal-item.csv export uses "
                    "the SKU layout too.")
        _record(listing, ListingStatus.ERROR, {"item": [message]})
        return SendResult(listing, False, message=message)
    errors: dict[str, list[str]] = {}
    for detail in exc.errors or []:
        text = f"{detail.code}: {detail.message}" + (f" ({detail.property_path})" if detail.property_path else "")
        errors.setdefault(field_of(detail.property_path), []).append(text)
    if not errors:
        errors["item"] = [exc.message]
    _record(listing, ListingStatus.ERROR, errors)
    return SendResult(listing, False, message=_("RMS refused the item: %(errors)s") % {
        "errors": "; ".join(m for messages in errors.values() for m in messages)})


def _succeeded(listing: Listing, draft: ListingDraft, body: dict) -> None:
    now = timezone.now()
    listing.status = ListingStatus.LISTED
    listing.errors = {}
    listing.sent_json = body
    listing.listed_at = listing.listed_at or now
    listing.save(update_fields=["status", "errors", "sent_json", "listed_at", "updated_at"])
    price_sent(listing, draft.price)
    pairs: set[tuple[int, int]] = set()
    for variant in draft.plan.variants:
        ProductMapping.objects.update_or_create(
            account=listing.account, manage_number=draft.manage_number, variant_id=variant.variant_id,
            defaults={"sku_id": variant.sku_id, "merchant_defined_sku_id": variant.sku_code,
                      **verified(now),
                      "variant_choices": draft.plan.choices(variant), "last_pushed_quantity": None},
        )
        pairs.add((listing.account_id, variant.sku_id))
    request_push(pairs)  # the new variants have no stock on Rakuten until we push it
