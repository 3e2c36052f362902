"""Admin addresses: the filtered lists the dashboard links to, and the page each alert mail points at.

Mails are read outside the admin, so they carry absolute links under ``SITE_URL``; the dashboard uses
the same paths without it. Filters use the list's own parameters (``account__id__exact``, ``status__exact``,
the order list's ``progress`` and ``reason``), so a link opens the list with its filter shown as chosen.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import EcAccount
from rakuten_link.alerts.kinds import AlertKind, base_kind


def admin_path(name: str, *args: object, **query: object) -> str:
    """``admin:<name>`` with optional query parameters (values are sent as given, lists comma-joined)."""
    path = reverse(f"admin:{name}", args=args)
    # Django's urlencode takes any value (str() of it); django-stubs lists only str, bytes and int.
    params: dict[str, Any] = {
        key: ",".join(value) if isinstance(value, list | tuple) else value for key, value in query.items()
    }
    return f"{path}?{urlencode(params)}" if params else path


def absolute(path: str) -> str:
    site: str = settings.SITE_URL
    return site.rstrip("/") + path


def account_page(account: EcAccount) -> str:
    return admin_path("accounts_ecaccount_change", account.pk)


def orders_list(account: EcAccount, **query: object) -> str:
    return admin_path("orders_order_changelist", account__id__exact=account.pk, **query)


def runs_list(account: EcAccount, **query: object) -> str:
    return admin_path("rakuten_link_syncrun_changelist", account__id__exact=account.pk, **query)


def messages_list(account: EcAccount, **query: object) -> str:
    return admin_path("orders_buyermessage_changelist", order__account__id__exact=account.pk, **query)


def dashboard(account: EcAccount) -> str:
    return f"{admin_path('index')}#account-{account.pk}"


def alert_path(account: EcAccount, kind: str) -> str:
    """The page where staff see (and fix) what an alert of ``kind`` is about."""
    kind = base_kind(kind)
    if kind in (AlertKind.AUTH_FAILURE, AlertKind.LICENSE_REMINDER):
        return account_page(account)
    if kind == AlertKind.UNMATCHED_LINES:
        return orders_list(account, reason="unmatched_line")
    if kind == AlertKind.UNMAPPED_PAYMENT:
        return orders_list(account, reason="unmapped_payment")
    if kind == AlertKind.SILENT_ORDERS:
        return runs_list(account, kind__exact="orders")
    if kind == AlertKind.SILENT_STOCK:
        return runs_list(account, kind__exact="inventory")
    if kind == AlertKind.SILENT_MESSAGES:
        return messages_list(account, status__exact="queued")
    if kind == AlertKind.MESSAGE_REFUSED:
        return messages_list(account, status__exact="failed")
    if kind == AlertKind.ORDER_FETCH_FAILED:
        return runs_list(account, kind__exact="orders", status__exact="failed")
    if kind in (AlertKind.JOB_FAILED, AlertKind.JOB_INTERRUPTED, AlertKind.JOB_ABANDONED):
        return runs_list(account, status__exact="failed")
    return dashboard(account)
