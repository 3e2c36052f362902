"""Push inventory: Rakuten's stock becomes what we can really sell (docs/stock.md).

Modes, all through the job contract ``job(*, account, client, run, **options)``:
- scheduled (no option): every OK mapping whose sellable quantity differs from the last pushed one;
- ``pending_only``: the same, limited to SKUs whose stock moved (the event-driven push, pending.py);
- ``full``: every OK mapping, pushed whether it changed or not;
- ``check`` (``fix``): read Rakuten's quantities back and report the drift (see drift.py).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import EcAccount
from rakuten_link.rms import RmsClient
from rakuten_link.sync.inventory.batches import BatchPusher
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
    **_options,
) -> JobResult:
    if check:
        return check_drift(account=account, client=client, run=run, fix=fix)
    token = claim_pending(account.pk)
    try:
        candidates = pushable_mappings(account)
        if pending_only:
            candidates = candidates.filter(sku_id__in=claimed_sku_ids(account.pk, token))
        pusher = BatchPusher(client)
        considered, changed = push_changed(account, candidates, pusher, force=full)
    except BaseException:
        release_claim(account.pk, token, done=False)
        raise
    release_claim(account.pk, token, done=True)
    stats = pusher.stats
    counts = {"considered": considered, "changed": changed, "pushed": stats.pushed,
              "rejected": stats.rejected, "calls": stats.calls}
    summary = _("%(pushed)d pushed, %(rejected)d rejected (of %(changed)d changed, %(considered)d checked)") % counts
    return JobResult(summary=summary, counts=counts)
