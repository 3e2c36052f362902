"""The admin index as a dashboard: the state of each EC account, each figure a link to its filtered list.

config/urls.py routes the admin index to ``dashboard_index``, which passes the figures to Django's own
index view (templates/admin/index.html shows them above the model groups). Every figure is computed for
all accounts at once, one grouped query per figure, so the page costs the same number of queries for one
account as for fifty. A figure is shown only to staff who may view the list it links to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Count, ExpressionWrapper, F, IntegerField, Max, Min, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import LICENSE_WARNING_DAYS, AccountStatus, EcAccount
from orders.models import NOT_REPORTED, BuyerMessage, MessageStatus, Order, OrderLine, OrderProgress, Shipment
from orders.services import ACTIVE_STATES
from rakuten_link.alerts.links import account_page, admin_path, messages_list, orders_list, runs_list
from rakuten_link.alerts.silence import STOCK_SILENCE
from rakuten_link.models import JobKind, MappingStatus, PendingInventoryPush, ProductMapping, RunStatus, SyncRun
from rakuten_link.schedules import SCHEDULES
from rakuten_link.sync.jobs import JOB_SWITCHES, available_jobs

AMBER_PERIODS = 3  # a job's last success older than this many schedule periods is shown amber
RED_PERIODS = 10  # … and red past this many
DAY_MINUTES = 24 * 60  # the period of a daily schedule
LICENCE_AMBER_DAYS = 14  # licenseKey days left shown amber below this (red below LICENSE_WARNING_DAYS)
PUSH_AMBER = timedelta(minutes=1)  # an unpushed stock change older than this is amber, past STOCK_SILENCE red
FAILED_WINDOW = timedelta(hours=24)
MESSAGE_FIGURES = (  # figure key, outbox status, level when not 0
    ("messages_queued", MessageStatus.QUEUED, "warn"), ("messages_held", MessageStatus.HELD, "warn"),
    ("messages_failed", MessageStatus.FAILED, "bad"), ("messages_unknown", MessageStatus.UNKNOWN, "bad"),
)
OWN_APPS = ("accounts", "orders", "inventory", "rakuten_link")
FIGURE_ORDER = (
    "failed_runs", "to_confirm", "to_ship", "unmatched_lines", "mapping_errors", "unreported_shipments",
    "messages_queued", "messages_held", "messages_failed", "messages_unknown",
    "oldest_push", "orders_today", "sales_today",
)


@dataclass
class JobAge:
    kind: str
    label: str
    text: str  # "3分前", "まだ成功していません", "オフ"
    level: str  # ok, amber, red; off (switched off), none (no success yet, not late)
    last: datetime | None = None
    url: str = ""


@dataclass
class Figure:
    key: str
    label: str
    text: str
    level: str = ""  # "" (plain), zero, warn, bad
    url: str = ""
    hint: str = ""  # shown on hover


@dataclass
class AccountState:
    account: EcAccount
    url: str
    status: str
    status_level: str
    licence: str
    licence_level: str
    jobs: list[JobAge] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


def dashboard_index(request: HttpRequest) -> HttpResponse:
    """Django's index with the accounts' state above it and our own groups before the third-party ones."""
    context: dict[str, Any] = {"app_list": ordered_apps(admin.site.get_app_list(request)), "account_states": None}
    if request.user.has_perm("accounts.view_ecaccount"):
        context["account_states"] = account_states(request.user)
    return admin.site.index(request, extra_context=context)


def ordered_apps(app_list: list[dict]) -> list[dict]:
    """Our own apps first, then the other libraries' (logins, users), the Django-Q2 group last."""
    def rank(app: dict) -> int:
        return 0 if app["app_label"] in OWN_APPS else 2 if app["app_label"] == "django_q" else 1

    return sorted(app_list, key=rank)  # stable: Django's own order within each rank


def job_periods() -> dict[str, int]:
    """Minutes between scheduled runs of each built job (its most frequent schedule; daily = 1440)."""
    built = set(available_jobs())
    periods: dict[str, int] = {}
    for spec in SCHEDULES:
        if spec.kind in built:
            periods[spec.kind] = min(periods.get(spec.kind, DAY_MINUTES), spec.minutes or DAY_MINUTES)
    return {kind.value: periods[kind.value] for kind in JobKind if kind.value in periods}


def account_states(user, now: datetime | None = None) -> list[AccountState]:
    """Every account's state, with the job ages and figures ``user`` may view (the lists they link to)."""
    now = now or timezone.now()
    accounts = list(EcAccount.objects.order_by("name"))
    data = Figures([account.pk for account in accounts], now)
    states = [_state(account) for account in accounts]
    if user.has_perm("rakuten_link.view_syncrun"):
        successes, periods = data.last_successes(), job_periods()
        for state in states:
            state.jobs = [_job_age(state.account, kind, minutes, successes.get((state.account.pk, kind)), now)
                          for kind, minutes in periods.items()]
    for state in states:
        state.figures = data.figures_for(state.account, user)
    return states


def _state(account: EcAccount) -> AccountState:
    levels: dict[str, str] = {AccountStatus.VALID: "ok", AccountStatus.INVALID: "red"}
    status = account.get_status_display()
    if account.jobs_paused:
        status = _("%(status)s, jobs paused") % {"status": status}
    days = account.license_days_left
    if days is None:
        licence, licence_level = _("licenseKey expiry not known yet"), "amber"
    else:
        date = timezone.localtime(account.license_expires_at).strftime("%Y-%m-%d")
        licence = (_("licenseKey expired on %(date)s") % {"date": date} if days < 0 else
                   _("licenseKey: %(days)d days left (until %(date)s)") % {"days": days, "date": date})
        licence_level = "red" if days < LICENSE_WARNING_DAYS else "amber" if days < LICENCE_AMBER_DAYS else "ok"
    return AccountState(account=account, url=account_page(account), status=status,
                        status_level="red" if account.jobs_paused else levels.get(account.status, "amber"),
                        licence=licence, licence_level=licence_level)


def _job_age(account: EcAccount, kind: str, minutes: int, last: datetime | None, now: datetime) -> JobAge:
    label, url = str(JobKind(kind).label), runs_list(account, kind__exact=kind, runs="all")  # the idle successes too
    switch = JOB_SWITCHES.get(kind)
    if switch and not getattr(account, switch):
        return JobAge(kind=kind, label=label, text=_("switched off"), level="off", last=last, url=url)
    age = now - (last or account.created_at)
    level = ("red" if age > timedelta(minutes=minutes * RED_PERIODS) else
             "amber" if age > timedelta(minutes=minutes * AMBER_PERIODS) else "ok")
    if last is None:  # a new account (or job) that has not run yet is grey, not green, until it is late
        return JobAge(kind=kind, label=label, text=_("no success yet"), level="none" if level == "ok" else level,
                      url=url)
    return JobAge(kind=kind, label=label, text=age_text(last, now), level=level, last=last, url=url)


def age_text(then: datetime, now: datetime) -> str:
    if now - then < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(then, now, depth=1)}


# account_id + 0: the same number, but no index gives it in order (see Figures).
_ACCOUNT = ExpressionWrapper(F("account_id") + 0, output_field=IntegerField())


class Figures:
    """One grouped query per figure over all accounts; ``figures_for`` then reads one account's values.

    The page lists every account, so the big tables (orders, lines, mappings, runs) are not filtered by
    account: such a filter made the database read every order of each account through the account index
    (2.8 s at 300,000 orders on SQLite) instead of the few rows the status or date index finds. For the
    same reason those are grouped by ``_ACCOUNT``, not by the account column: SQLite would walk the account
    index to save the grouping's sort, reading every row.
    """

    def __init__(self, ids: list[int], now: datetime) -> None:
        self.ids, self.now = ids, now
        self.today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        self.since = (now - FAILED_WINDOW).replace(second=0, microsecond=0)
        self._cache: dict[str, dict] = {}

    def _get(self, name: str) -> dict:
        if name not in self._cache:
            self._cache[name] = getattr(self, f"_query_{name}")()
        return self._cache[name]

    def last_successes(self) -> dict[tuple[int, str], datetime]:
        rows = (SyncRun.objects.filter(account_id__in=self.ids, status=RunStatus.SUCCESS)
                .values("account_id", "kind").annotate(last=Max("finished_at")).order_by())
        return {(row["account_id"], row["kind"]): row["last"] for row in rows}

    def _query_failed(self) -> dict:
        rows = (SyncRun.objects.filter(status=RunStatus.FAILED, started_at__gte=self.since)
                .values(account_key=_ACCOUNT).annotate(n=Count("pk")).order_by())
        return {row["account_key"]: row["n"] for row in rows}

    def _query_orders(self) -> dict:
        confirm, ship = OrderProgress.AWAITING_CONFIRMATION, OrderProgress.AWAITING_SHIPMENT
        today = Q(ordered_at__gte=self.today)
        rows = (Order.objects.filter(Q(order_progress__in=(confirm, ship)) | today)
                .values(account_key=_ACCOUNT).order_by()
                .annotate(to_confirm=Count("pk", filter=Q(order_progress=confirm)),
                          to_ship=Count("pk", filter=Q(order_progress=ship, state__in=ACTIVE_STATES)),
                          today=Count("pk", filter=today),
                          sales=Sum("request_price", filter=today & ~Q(order_progress=OrderProgress.CANCELLED))))
        return {row["account_key"]: row for row in rows}

    def _query_lines(self) -> dict:
        rows = (OrderLine.objects.filter(order__state__in=ACTIVE_STATES,
                                         needs_attention=True, sku__isnull=True, removed=False)
                .values("order__account_id").annotate(n=Count("pk")).order_by())
        return {row["order__account_id"]: row["n"] for row in rows}

    def _query_mapping_errors(self) -> dict:
        rows = (ProductMapping.objects.filter(status=MappingStatus.ERROR)
                .values(account_key=_ACCOUNT).annotate(n=Count("pk")).order_by())
        return {row["account_key"]: row["n"] for row in rows}

    def _query_shipments(self) -> dict:
        rows = (Shipment.objects.filter(order__account_id__in=self.ids, report_state__in=NOT_REPORTED)
                .values("order__account_id").annotate(n=Count("pk")).order_by())
        return {row["order__account_id"]: row["n"] for row in rows}

    def _query_messages(self) -> dict:
        rows = (BuyerMessage.objects.filter(order__account_id__in=self.ids,
                                            status__in=[status for _k, status, _l in MESSAGE_FIGURES])
                .values("order__account_id", "status").annotate(n=Count("pk")).order_by())
        return {(row["order__account_id"], row["status"]): row["n"] for row in rows}

    def _query_pending(self) -> dict:
        rows = (PendingInventoryPush.objects.filter(account_id__in=self.ids).values("account_id")
                .annotate(oldest=Min("created_at")).order_by())
        return {row["account_id"]: row["oldest"] for row in rows}

    def figures_for(self, account: EcAccount, user) -> list[Figure]:
        figures = []
        if user.has_perm("rakuten_link.view_syncrun"):
            figures += [self._failed(account), self._pending(account)]
        if user.has_perm("orders.view_order"):
            figures += self._order_figures(account)
        if user.has_perm("rakuten_link.view_productmapping"):
            figures.append(_count("mapping_errors", _("Mapping errors"), self._get("mapping_errors").get(account.pk),
                                  admin_path("rakuten_link_productmapping_changelist", account__id__exact=account.pk,
                                             status__exact=MappingStatus.ERROR), "bad"))
        if user.has_perm("orders.view_buyermessage"):
            counts = self._get("messages")
            figures += [_count(key, _("Buyer messages: %(status)s") % {"status": status.label},
                               counts.get((account.pk, status)), messages_list(account, status__exact=status), level)
                        for key, status, level in MESSAGE_FIGURES]
        return sorted(figures, key=lambda figure: FIGURE_ORDER.index(figure.key))

    def _failed(self, account: EcAccount) -> Figure:
        url = runs_list(account, status__exact=RunStatus.FAILED, started_at__gte=timezone.localtime(self.since)
                        .isoformat())
        return _count("failed_runs", _("Failed runs (24 h)"), self._get("failed").get(account.pk), url, "bad")

    def _pending(self, account: EcAccount) -> Figure:
        oldest = self._get("pending").get(account.pk)
        url = runs_list(account, kind__exact=JobKind.INVENTORY, runs="all")
        label = _("Oldest stock change not on Rakuten")
        if oldest is None:
            return Figure("oldest_push", label, _("none"), "zero", url)
        age = self.now - oldest
        level = "bad" if age > STOCK_SILENCE else "warn" if age > PUSH_AMBER else ""
        return Figure("oldest_push", label, age_text(oldest, self.now), level, url)

    def _order_figures(self, account: EcAccount) -> list[Figure]:
        orders = self._get("orders").get(account.pk, {})
        # The list's own "today" date link (an index range; a day lookup would read a whole year's orders).
        tomorrow = self.today + timedelta(days=1)
        today = orders_list(account, ordered_at__gte=str(self.today), ordered_at__lt=str(tomorrow))
        active = sorted(str(state) for state in ACTIVE_STATES)
        return [
            _count("to_confirm", _("Awaiting confirmation"), orders.get("to_confirm"),
                   orders_list(account, progress=OrderProgress.AWAITING_CONFIRMATION.value), "warn"),
            _count("to_ship", _("Awaiting shipment"), orders.get("to_ship"),
                   orders_list(account, progress=OrderProgress.AWAITING_SHIPMENT.value, state__in=active), "warn"),
            _count("unmatched_lines", _("Lines without a SKU"), self._get("lines").get(account.pk),
                   orders_list(account, reason="unmatched_line"), "bad"),
            _count("unreported_shipments", _("Shipments not reported"), self._get("shipments").get(account.pk),
                   admin_path("orders_shipment_changelist", order__account__id__exact=account.pk, reported="no"),
                   "warn"),
            _count("orders_today", _("Orders today"), orders.get("today"), today, ""),
            Figure("sales_today", _("Sales today"), f"¥{orders.get('sales') or 0:,}",
                   "" if orders.get("sales") else "zero", today,
                   hint=_("The billed amounts of today's orders, without the cancelled ones.")),
        ]


def _count(key: str, label: str, value: int | None, url: str, level: str) -> Figure:
    value = value or 0
    return Figure(key, label, ngettext("%(n)d item", "%(n)d items", value) % {"n": value}, level if value else "zero",
                  url)
