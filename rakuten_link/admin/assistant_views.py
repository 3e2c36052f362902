"""The mapping assistant's own pages: the counts above the list, match again, accept all high-confidence
proposals (a preview first, then one click), accept or reject one row, and pick another SKU for a variant.

Every page checks the right to add product mappings (what accepting creates); each decision is written by
rakuten_link/assistant/accept.py, which leaves the audit entry.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import EcAccount
from lib.audit import record_action
from rakuten_link.admin import assistant_pick
from rakuten_link.assistant.accept import Accepted, accept_one, accept_pairs, high_pairs, reject_pair
from rakuten_link.assistant.models import Confidence, MappingProposal, MatchingRun, Reason
from rakuten_link.assistant.proposals import refresh_proposals, stored_counts, unmapped_variants
from rakuten_link.models import CatalogueVariant

CHANGELIST = "admin:rakuten_link_mappingproposal_changelist"
PREVIEW_ROWS = 200
LEFT_ROWS = 500


def summary_context(request) -> dict:
    """Counts by confidence and reason for the account the list is filtered on (or the only one)."""
    accounts = list(EcAccount.objects.order_by("name"))
    chosen = request.GET.get("account__id__exact")
    account = next((a for a in accounts if str(a.pk) == chosen), None)
    if account is None and len(accounts) == 1:
        account = accounts[0]
    if account is None:
        return {"assistant_accounts": accounts}
    variant = _named_variant(request, account)
    counts = stored_counts(account)
    levels = [(Confidence(level).label, level, counts.clean[level], counts.conflicts[level]) for level in Confidence]
    reasons = [(Reason(reason).label, reason, n) for reason, n in sorted(counts.reasons.items())]
    matched_at = MatchingRun.objects.filter(account=account).values_list("matched_at", flat=True).first()
    pulled_at = CatalogueVariant.objects.filter(account=account).aggregate(t=Max("pulled_at"))["t"]
    return {"assistant_accounts": accounts, "assistant_account": account, "assistant_levels": levels,
            "assistant_reasons": reasons, "assistant_left": _left_to_map(account), "assistant_matched_at": matched_at,
            "assistant_stale": pulled_at is not None and (matched_at is None or pulled_at > matched_at),
            **variant}


def _named_variant(request, account: EcAccount) -> dict:
    """The one Rakuten SKU an order line's link names, for a way to map it by hand: its proposals may be
    none (nothing matched it, or staff rejected them all)."""
    manage_number = request.GET.get("variant__item__manage_number__iexact")
    variant_id = request.GET.get("variant__variant_id")
    if not (manage_number and variant_id):
        return {}
    found = CatalogueVariant.objects.filter(account=account, item__manage_number__iexact=manage_number,
                                            variant_id=variant_id, gone_at__isnull=True).select_related("item").first()
    label = f"{found.item.manage_number if found else manage_number} / {variant_id}"
    return {"assistant_variant": found, "assistant_variant_label": label}


def _left_to_map(account: EcAccount) -> int:
    return len(left_to_map(account))


def left_to_map(account: EcAccount) -> list[int]:
    """Variants on Rakuten with neither a mapping nor a proposal (ids): what staff still map by hand."""
    proposed = set(MappingProposal.objects.filter(account=account).values_list("variant_id", flat=True))
    return [variant.key for variant in unmapped_variants(account) if variant.key not in proposed]


def left_view(model_admin, request):
    """The variants left to map, each with a link to pick our SKU for it (the first LEFT_ROWS)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    account = get_object_or_404(EcAccount, pk=request.GET.get("account") or 0)
    keys = left_to_map(account)
    rows = (CatalogueVariant.objects.filter(pk__in=keys[:LEFT_ROWS]).select_related("item")
            .order_by("item__manage_number", "variant_id"))
    return _render(model_admin, request, "left.html", _("Rakuten SKUs left to map"), {
        "account": account, "total": len(keys), "rows": rows, "shown": LEFT_ROWS,
        "may_accept": model_admin.has_accept_permission(request)})


def match_view(model_admin, request):
    _require(model_admin.has_accept_permission(request))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    account = get_object_or_404(EcAccount, pk=request.POST.get("account") or 0)
    counts = refresh_proposals(account)
    numbers = {"high": counts.clean["high"], "medium": counts.clean["medium"], "low": counts.clean["low"],
               "conflicts": sum(counts.conflicts.values())}
    detail = _("Mapping assistant: matched the catalogue again (%(high)d high, %(medium)d medium, %(low)d low, "
               "%(conflicts)d in conflict).") % numbers
    record_action(request.user, account, detail)
    model_admin.message_user(request, detail, messages.SUCCESS)
    return _back(account)


def accept_high_view(model_admin, request):
    """GET: what accepting all high-confidence proposals would create; POST: create it."""
    _require(model_admin.has_accept_permission(request))
    account = get_object_or_404(EcAccount, pk=request.POST.get("account") or request.GET.get("account") or 0)
    matched = _matched_stamp(account)
    if request.method == "POST":
        if request.POST.get("matched") != matched:  # matched again since the preview: it showed other rows
            model_admin.message_user(request, _("The proposals were matched again after the preview; nothing was "
                                                "created. Check the new preview."), messages.ERROR)
            return redirect(f"{reverse('admin:rakuten_link_mappingproposal_accept_high')}?account={account.pk}")
        result = accept_pairs(account, high_pairs(account), user=request.user, how=_("accept all high confidence"))
        announce(model_admin, request, result)
        return _back(account)
    rows = (MappingProposal.objects.filter(account=account, confidence=Confidence.HIGH, conflict="")
            .select_related("variant__item", "sku").order_by("variant__item__manage_number", "variant__variant_id"))
    return _render(model_admin, request, "accept_high.html", _("Accept all high-confidence proposals"), {
        "account": account, "total": rows.count(), "rows": rows[:PREVIEW_ROWS], "shown": PREVIEW_ROWS,
        "matched": matched})


def _matched_stamp(account: EcAccount) -> str:
    """Which matching the preview showed: accepting refuses when the proposals were replaced since."""
    at = MatchingRun.objects.filter(account=account).values_list("matched_at", flat=True).first()
    return at.isoformat() if at else ""


def decide_view(model_admin, request, decision: str):
    """One row's accept or reject button (posted with the list's form, whose CSRF token it carries)."""
    _require(model_admin.has_accept_permission(request))
    if request.method != "POST" or decision not in ("accept", "reject"):
        return HttpResponseNotAllowed(["POST"])
    proposal = (MappingProposal.objects.select_related("account", "sku")
                .filter(pk=request.POST.get("proposal") or 0).first())
    if proposal is None:
        model_admin.message_user(request, _("That proposal is gone: it was decided or matched again meanwhile."),
                                 messages.WARNING)
        return redirect(CHANGELIST)
    account = proposal.account
    if decision == "accept":
        result = accept_one(account, proposal.variant_id, proposal.sku, user=request.user, how=_("one row"))
        if isinstance(result, str):  # the SKU is sold as another Rakuten SKU already (one to one)
            model_admin.message_user(request, result + " " + _(
                "To sell it as both Rakuten SKUs (a set, an item listed twice), confirm it on the row's page for "
                "picking another SKU."), messages.ERROR)
        else:
            announce(model_admin, request, result)
    elif reject_pair(account, proposal.variant_id, proposal.sku_id, user=request.user):
        model_admin.message_user(request, _("Proposal rejected; it is not proposed again."), messages.SUCCESS)
    return redirect(request.META.get("HTTP_REFERER") or CHANGELIST) if _same_site(request) else _back(account)


def pick_view(model_admin, request, variant_id: int):
    """One variant: its proposals, and any SKU of ours found as staff type (assistant_pick.py)."""
    return assistant_pick.pick_view(model_admin, request, variant_id, render=_render, back=_back, announce=announce)


def announce(model_admin, request, result: Accepted) -> None:
    if result.collided:
        model_admin.message_user(request, _("Someone mapped one of these Rakuten SKUs meanwhile; nothing was "
                                            "created. Match again and retry."), messages.ERROR)
        return
    text = ngettext("%(n)d mapping created; verification against RMS has started.",
                    "%(n)d mappings created; verification against RMS has started.",
                    result.created) % {"n": result.created}
    if result.skipped:
        text += " " + _("%(n)d skipped (already mapped, gone from Rakuten or not a valid key).") % {"n": result.skipped}
    if result.lines:
        text += " " + _("%(n)d waiting order lines now match a SKU.") % {"n": result.lines}
    model_admin.message_user(request, text, messages.SUCCESS if result.created else messages.WARNING)


def _back(account: EcAccount):
    return redirect(f"{_changelist_url()}?account__id__exact={account.pk}")


def _changelist_url() -> str:
    return reverse(CHANGELIST)


def _same_site(request) -> bool:
    return (request.META.get("HTTP_REFERER") or "").split("?")[0].endswith(_changelist_url())


def _render(model_admin, request, template: str, title: str, context: dict):
    from django.contrib import admin

    return TemplateResponse(request, f"admin/rakuten_link/mappingproposal/{template}", {
        **admin.site.each_context(request), "opts": model_admin.model._meta, "title": title, **context})


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
