"""Recoveries from failure alerts: the minute check sees the failure end and mails one "resolved".

Each entry takes the accounts with an open alert of its kind ({account id: opened at}) and returns those
that have recovered, with the sentence the mail gives. Silence kinds recover in their own checks
(silence.py); every kind in ``kinds.RESOLVABLE`` has one or the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AccountStatus, EcAccount
from orders.models import ReportState, Shipment
from rakuten_link.alerts.kinds import AlertKind
from rakuten_link.models import JobKind, RunStatus, SyncRun

Opened = dict[int, datetime]


@dataclass(frozen=True)
class Recovery:
    kind: str
    recovered: Callable[[Opened], dict[int, str]]


def order_fetch_recovered(opened: Opened) -> dict[int, str]:
    """An order fetch has succeeded since the failure was alerted."""
    last = (SyncRun.objects.filter(account_id__in=opened, kind=JobKind.ORDERS, status=RunStatus.SUCCESS)
            .values("account_id").annotate(last=Max("finished_at")).order_by().values_list("account_id", "last"))
    return {account_id: _("the order fetch succeeded again at %(time)s.") % {"time": _local(at)}
            for account_id, at in last if at and at > opened[account_id]}


def auth_recovered(opened: Opened) -> dict[int, str]:
    """RMS accepts the credentials again and the jobs run (saved again, re-checked or resumed)."""
    ids = EcAccount.objects.filter(pk__in=opened, status=AccountStatus.VALID, jobs_paused=False)
    message = _("RMS accepts the credentials again and the automatic jobs are running.")
    return dict.fromkeys(ids.values_list("pk", flat=True), message)


def shipments_recovered(opened: Opened) -> dict[int, str]:
    """No shipment of the account is refused any more (each was corrected and reported, or deleted)."""
    refused = set(Shipment.objects.filter(order__account_id__in=opened, report_state=ReportState.ERROR)
                  .values_list("order__account_id", flat=True).distinct())
    message = _("no shipment is refused by RMS any more.")
    return {account_id: message for account_id in opened if account_id not in refused}


def _local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


RECOVERIES: tuple[Recovery, ...] = (
    Recovery(AlertKind.ORDER_FETCH_FAILED, order_fetch_recovered),
    Recovery(AlertKind.AUTH_FAILURE, auth_recovered),
    Recovery(AlertKind.SHIPMENT_REFUSED, shipments_recovered),
)
