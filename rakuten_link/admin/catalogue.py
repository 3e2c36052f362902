"""The account page's Rakuten panels: the catalogue (last pull, progress bar, the button that queues a pull) and
the ✓/✗ list of the RMS API functions the account's jobs need."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from lib.audit import record_action
from rakuten_link.functions.records import guidance, needed_functions
from rakuten_link.models import ApiFunctionCheck, CatalogueItem, CataloguePull, CatalogueVariant, JobKind
from rakuten_link.wording import function_label

TASK = "rakuten_link.tasks.run_for_account"
ITEMS_SHARE = 90  # percent of the bar for the item walk; the stock reads take the rest


@dataclass
class PullState:
    running: bool
    percent: int
    text: str


def pull_state(account: EcAccount) -> PullState:
    """What the panel shows: the walk's progress while a pull runs, else the last pull's result."""
    pull = CataloguePull.objects.filter(account=account).first()
    if pull is not None and pull.started_at is not None:
        if pull.phase == "stock":
            live = CatalogueVariant.objects.filter(account=account, gone_at__isnull=True, pre_sku=False)
            total, read = live.count(), live.filter(id__lte=pull.stock_after_id).count()
            percent = ITEMS_SHARE + (100 - ITEMS_SHARE) * read // max(total, 1)
            return PullState(True, percent, _("Reading stock: %(read)d / %(total)d variants") % {
                "read": read, "total": total})
        percent = ITEMS_SHARE * pull.done // max(pull.found, 1) if pull.found else 0
        return PullState(True, percent, _("Reading items: %(done)d / %(found)d") % {
            "done": pull.done, "found": pull.found})
    if pull is None or pull.last_finished_at is None:
        return PullState(False, 0, _("The catalogue has not been pulled yet."))
    items = CatalogueItem.objects.filter(account=account, gone_at__isnull=True).count()
    variants = CatalogueVariant.objects.filter(account=account, gone_at__isnull=True).count()
    when = timezone.localtime(pull.last_finished_at).strftime("%Y-%m-%d %H:%M")
    return PullState(False, 100, _("Last pulled %(when)s: %(items)d items, %(variants)d variants.") % {
        "when": when, "items": items, "variants": variants})


def panel(account: EcAccount) -> str:
    """The panel's HTML (a read-only field of the account page)."""
    return render_to_string("admin/rakuten_link/account/catalogue_panel.html", {
        "state": pull_state(account),
        "pull_url": reverse("admin:accounts_ecaccount_pull_catalogue", args=[account.pk]),
        "status_url": reverse("admin:accounts_ecaccount_catalogue_status", args=[account.pk]),
    })


def pull_view(model_admin, request, object_id: int):
    """POST: queue a catalogue pull for the account (the job's lease keeps it to one at a time)."""
    account = get_object_or_404(EcAccount, pk=object_id)
    if request.method != "POST" or not model_admin.has_change_permission(request, account):
        raise PermissionDenied
    from django_q.tasks import async_task

    async_task(TASK, account.pk, JobKind.CATALOGUE.value, task_name=f"catalogue-{account.pk}")
    record_action(request.user, account, _("Queued a catalogue pull."))
    model_admin.message_user(request, _("The catalogue pull is queued; the bar below shows its progress."),
                             messages.SUCCESS)
    return HttpResponseRedirect(reverse("admin:accounts_ecaccount_change", args=[account.pk]))


def status_view(model_admin, request, object_id: int):
    account = get_object_or_404(EcAccount, pk=object_id)
    if not model_admin.has_view_permission(request, account):
        raise PermissionDenied
    return JsonResponse(asdict(pull_state(account)))


def functions_panel(account: EcAccount) -> str:
    """The ✓/✗ list: every function the account's jobs need, plus any other a job found switched off."""
    checks = {c.function: c for c in ApiFunctionCheck.objects.filter(account=account)}
    wanted = needed_functions(account)
    wanted += sorted(f for f, c in checks.items() if c.enabled is False and f not in wanted)
    rows = []
    for function in wanted:
        check = checks.get(function)
        enabled = None if check is None else check.enabled
        rows.append({"mark": "?" if enabled is None else "✓" if enabled else "✗", "enabled": enabled,
                     "label": function_label(function), "guidance": guidance(function) if enabled is False else "",
                     "checked_at": check.checked_at if check else None})
    return render_to_string("admin/rakuten_link/account/functions_panel.html", {"rows": rows})
