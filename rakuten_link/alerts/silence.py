"""Silence: problems that send no error, noticed because something that should happen did not.

A registry of checks, run every minute by ``rakuten_link.tasks.check_for_silence``. Each check looks at
every account at once (a constant number of queries) and sorts the accounts it watches into silent (alert,
throttled hourly like every alert) and healthy (an open alert of the kind is resolved). Accounts it does
not watch, or in a grace period, are neither, so their open alert waits for a real recovery.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from orders.models import BuyerMessage, MessageStatus
from rakuten_link.alerts.kinds import AlertKind
from rakuten_link.models import JobKind, PendingInventoryPush, RunStatus, SyncRun
from rakuten_link.wording import as_plain, mail_detail

ORDER_SILENCE = timedelta(minutes=10)  # no successful order fetch for this long while 受注取得 is on
STOCK_SILENCE = timedelta(minutes=5)  # a stock change still waiting to reach Rakuten after this long
MESSAGE_SILENCE = timedelta(minutes=30)  # a buyer message still queued after this long
# Queued messages while every messages run has failed for this long (the relay cannot be reached): with the
# check every minute, staff hear of it within five minutes instead of thirty.
RELAY_SILENCE = timedelta(minutes=4)


@dataclass(frozen=True)
class Silence:
    """How long an account has been silent, and what to tell staff about it."""

    since: datetime  # the last sign of life (or when watching began)
    subject: str
    body: str


@dataclass
class Verdict:
    silent: dict[int, Silence] = field(default_factory=dict)
    healthy: dict[int, str] = field(default_factory=dict)  # account id → what the "resolved" mail says


@dataclass(frozen=True)
class SilenceCheck:
    kind: str
    verdict: Callable[[datetime], Verdict]


def orders_verdict(now: datetime) -> Verdict:
    """Accounts fetching orders (受注取得 on, not paused: a paused account has had its own alert).

    Silent when neither a successful fetch nor a change of the account (switch turned on, jobs resumed)
    lies within ORDER_SILENCE; healthy only after a real success within it.
    """
    watched = dict(EcAccount.objects.filter(job_fetch_orders=True, jobs_paused=False)
                   .values_list("pk", "updated_at"))
    last = dict(SyncRun.objects.filter(account_id__in=watched, kind=JobKind.ORDERS, status=RunStatus.SUCCESS)
                .values("account_id").annotate(last=Max("finished_at")).order_by()
                .values_list("account_id", "last"))
    verdict = Verdict()
    for account_id, changed_at in watched.items():
        success = last.get(account_id)
        if success is not None and success >= now - ORDER_SILENCE:
            verdict.healthy[account_id] = _("orders are fetched again (last success at %(time)s).") % {
                "time": _local(success)}
        elif max(success or changed_at, changed_at) < now - ORDER_SILENCE:
            verdict.silent[account_id] = _orders_silence(success, changed_at, now)
    return verdict


def _orders_silence(success: datetime | None, changed_at: datetime, now: datetime) -> Silence:
    since = max(success or changed_at, changed_at)
    minutes = int((now - since).total_seconds() // 60)
    last = _local(success) if success else _("never")
    return Silence(
        since=since,
        subject=_("No order fetch has succeeded for %(minutes)d minutes") % {"minutes": minutes},
        body=_("No order fetch from RMS has succeeded for %(minutes)d minutes, although automatic order fetching "
               "is on (last success: %(last)s). New orders are not coming in and their stock is not allocated.\n"
               "What to do: look at the failed runs in the sync history and check that the Django-Q2 workers "
               "(qcluster) are running. The next successful fetch catches up on every order missed.")
        % {"minutes": minutes, "last": last},
    )


def stock_verdict(now: datetime) -> Verdict:
    """Accounts pushing stock (在庫更新 on, not paused) with a stock change older than STOCK_SILENCE."""
    watched = set(EcAccount.objects.filter(job_push_inventory=True, jobs_paused=False).values_list("pk", flat=True))
    waiting = (PendingInventoryPush.objects.filter(account_id__in=watched).values("account_id")
               .annotate(oldest=Min("created_at"), skus=Count("sku_id", distinct=True)).order_by())
    verdict = Verdict()
    for row in waiting:
        if row["oldest"] < now - STOCK_SILENCE:
            verdict.silent[row["account_id"]] = _stock_silence(row["oldest"], row["skus"], now)
    for account_id in watched - verdict.silent.keys():
        verdict.healthy[account_id] = _("every stock change has reached Rakuten.")
    return verdict


def _stock_silence(oldest: datetime, skus: int, now: datetime) -> Silence:
    minutes = int((now - oldest).total_seconds() // 60)
    return Silence(
        since=oldest,
        subject=_("Stock changes have waited %(minutes)d minutes to reach Rakuten") % {"minutes": minutes},
        body=_("The stock of %(skus)d SKUs changed since %(since)s, and Rakuten has not received it yet: it "
               "still shows the old quantities, so items can be oversold.\n"
               "What to do: look at the failed inventory runs in the sync history and check that the Django-Q2 "
               "workers (qcluster) are running. The changes are kept and sent with the next successful push.")
        % {"skus": skus, "since": _local(oldest)},
    )


def messages_verdict(now: datetime) -> Verdict:
    """Accounts with a buyer message queued longer than MESSAGE_SILENCE (held ones wait for staff, not us), or
    with messages queued while every messages run has failed for RELAY_SILENCE (a relay that cannot be reached).

    Every account with no such message is healthy, so a paused account's alert resolves once the SMTP
    password is saved again and its queue drains.
    """
    waiting = (BuyerMessage.objects.filter(status=MessageStatus.QUEUED).values("order__account_id")
               .annotate(oldest=Min("created_at"), count=Count("pk")).order_by())
    verdict = Verdict()
    failing = _failing_since(now, [row["order__account_id"] for row in waiting])
    for row in waiting:
        account_id = row["order__account_id"]
        if account_id in failing and failing[account_id][0] <= now - RELAY_SILENCE:
            verdict.silent[account_id] = _relay_silence(*failing[account_id], row["count"], now)
        elif row["oldest"] < now - MESSAGE_SILENCE:
            verdict.silent[account_id] = _messages_silence(row["oldest"], row["count"], now)
    for account_id in EcAccount.objects.exclude(pk__in=list(verdict.silent)).values_list("pk", flat=True):
        verdict.healthy[account_id] = _("no buyer message is waiting in the queue any more.")
    return verdict


def _failing_since(now: datetime, account_ids: list[int]) -> dict[int, tuple[datetime, str]]:
    """Accounts whose messages runs have all failed lately: (when the first of those failures started, the
    latest error). One query over the last MESSAGE_SILENCE of runs; an account with messages paused is left
    out (the refused login that paused it has sent its own alert)."""
    watched = set(EcAccount.objects.filter(pk__in=account_ids, messages_paused=False).values_list("pk", flat=True))
    runs = (SyncRun.objects.filter(account_id__in=watched, kind=JobKind.MESSAGES, started_at__gte=now - MESSAGE_SILENCE)
            .exclude(status__in=(RunStatus.RUNNING, RunStatus.SKIPPED)).order_by("-started_at", "-pk")
            .values_list("account_id", "status", "started_at", "error"))
    streaks: dict[int, tuple[datetime, str]] = {}
    ended: set[int] = set()
    for account_id, status, started_at, error in runs:  # newest first: walk back to the last success
        if account_id in ended:
            continue
        if status != RunStatus.FAILED:
            ended.add(account_id)
            continue
        streaks[account_id] = (started_at, streaks.get(account_id, (started_at, error))[1])
    return streaks


def _relay_silence(since: datetime, error: str, count: int, now: datetime) -> Silence:
    """The runs' error explained in the sentence; the system's own text (an OSError's) on the labelled last line."""
    minutes = int((now - since).total_seconds() // 60)
    return Silence(
        since=since,
        subject=_("Buyer messages cannot be sent: every run has failed for %(minutes)d minutes") % {
            "minutes": minutes},
        body=_("%(count)d buyer messages are queued, and every buyer-message run since %(since)s has failed, most "
               "recently with: %(error)s\n"
               "What to do: check that the relay (RAKUTEN_SMTP_HOST and RAKUTEN_SMTP_PORT) can be reached from this "
               "server and that the SMTP settings of the account are complete. The messages stay queued and go "
               "out with the next successful run.")
        % {"count": count, "since": _local(since), "error": as_plain(error)} + mail_detail(error),
    )


def _messages_silence(oldest: datetime, count: int, now: datetime) -> Silence:
    minutes = int((now - oldest).total_seconds() // 60)
    return Silence(
        since=oldest,
        subject=_("Buyer messages have waited %(minutes)d minutes to be sent") % {"minutes": minutes},
        body=_("%(count)d buyer messages are queued, the oldest since %(since)s, and have not been sent.\n"
               "What to do: look at the failed buyer-message runs in the sync history (a refused SMTP AUTH login "
               "pauses sending until the password is saved again) and check that the Django-Q2 workers "
               "(qcluster) are running. The messages stay queued and go out with the next successful run.")
        % {"count": count, "since": _local(oldest)},
    )


def _local(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


SILENCE_CHECKS: tuple[SilenceCheck, ...] = (
    SilenceCheck(AlertKind.SILENT_ORDERS, orders_verdict),
    SilenceCheck(AlertKind.SILENT_STOCK, stock_verdict),
    SilenceCheck(AlertKind.SILENT_MESSAGES, messages_verdict),
)
