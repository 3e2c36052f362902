"""Push inventory: Rakuten's stock becomes what we can really sell (docs/stock.md).

Modes, all through the job contract ``job(*, account, client, run, **options)``:
- scheduled (no option, every minute): the OK mappings changed since the last run (changes.py) whose
  sellable quantity differs from the last pushed one;
- ``compare_all`` (hourly): the same over every OK mapping;
- ``pending_only``: the same, limited to SKUs whose stock moved (the event-driven push, pending.py);
- ``full``: every OK mapping, pushed whether it changed or not;
- ``check`` (``fix``): read Rakuten's quantities back and report the drift (see drift.py).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from rakuten_link.rms import RmsClient
from rakuten_link.sync.inventory.batches import BatchPusher
from rakuten_link.sync.inventory.changes import changed_mappings, changes_since, record_run
from rakuten_link.sync.inventory.drift import check_drift
from rakuten_link.sync.inventory.pending import claim_pending, claimed_sku_ids, release_claim
from rakuten_link.sync.inventory.sellable import push_changed, pushable_mappings
from rakuten_link.sync.runner import JobResult


def push_inventory(
    *,
    account: EcAccount,
    client: RmsClient,
    run,
    full: bool = False,
    check: bool = False,
    fix: bool = False,
    pending_only: bool = False,
    compare_all: bool = False,
    **_options,
) -> JobResult:
    if check:
        return check_drift(account=account, client=client, run=run, fix=fix)
    started = timezone.now()
    token = claim_pending(account.pk)
    try:
        candidates = pushable_mappings(account)
        pending = claimed_sku_ids(account.pk, token)
        ids = None
        if pending_only:
            candidates = candidates.filter(sku_id__in=pending)
        elif not (full or compare_all) and (since := changes_since(account)) is not None:
            ids = changed_mappings(account, since, pending)
        pusher = BatchPusher(client)
        considered, changed = push_changed(account, candidates, pusher, force=full, ids=ids)
    except BaseException:
        release_claim(account.pk, token, done=False)
        raise
    release_claim(account.pk, token, done=True)
    if not pending_only:
        record_run(account, started)
    stats = pusher.stats
    counts = {"considered": considered, "changed": changed, "pushed": stats.pushed,
              "rejected": stats.rejected, "calls": stats.calls}
    summary = _("%(pushed)d pushed, %(rejected)d rejected (of %(changed)d changed, %(considered)d checked)") % counts
    return JobResult(summary=summary, counts=counts)
