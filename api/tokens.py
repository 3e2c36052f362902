"""Making, finding and revoking tokens: the one writer of ApiToken (the admin and the commands call it)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.models import Store
from lib.actors import machine_user

from .models import NAME_RULE, ApiToken, Scope

PREFIX = "rlk_"
TOUCH_EVERY = timedelta(seconds=10)  # last use is written at most this often per token and address


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(text: str | list[str]) -> list[str]:
    """``stock:write,orders:read`` → a sorted list; ValidationError names an unknown scope."""
    items = text.split(",") if isinstance(text, str) else list(text)
    scopes = sorted({item.strip() for item in items if item.strip()})
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown or not scopes:
        raise ValidationError(_("Unknown or missing scope %(scope)s: choose among %(known)s.")
                              % {"scope": ", ".join(unknown) or "—", "known": ", ".join(Scope.values)})
    return scopes


@transaction.atomic
def create_token(*, name: str, scopes: list[str], store: Store | None = None, expires_at: datetime | None = None,
                 rate_limit: int | None = None, created_by=None) -> tuple[ApiToken, str]:
    """The new token and its secret, which is returned here once and never stored."""
    NAME_RULE(name)
    if ApiToken.objects.filter(name=name).exists():
        raise ValidationError(_("A token named %(name)s already exists.") % {"name": name})
    token = ApiToken(name=name, scopes=parse_scopes(scopes), store=store, expires_at=expires_at,
                     rate_limit=rate_limit)
    secret = fill_new_token(token, created_by=created_by)
    token.save()
    return token, secret


def fill_new_token(token: ApiToken, *, created_by=None) -> str:
    """For the admin's add form, which builds the row itself: give it a secret and a user; returns the secret."""
    secret = PREFIX + secrets.token_urlsafe(32)
    # A token deleted and made again under its old name gets its old user back: the logs stay together.
    user = machine_user(f"api:{token.name}")
    token.prefix, token.token_hash, token.user = secret[:12], digest(secret), user
    token.created_by = created_by if getattr(created_by, "pk", None) else None
    return secret


def revoke(tokens) -> int:
    """Revoked tokens are refused from the next request on; the row stays, for the logs that name it."""
    return ApiToken.objects.filter(pk__in=[t.pk for t in tokens], revoked_at__isnull=True).update(
        revoked_at=timezone.now())


def find(secret: str) -> ApiToken | None:
    """The token with this secret, live or not (the caller tells revoked and expired apart)."""
    if not secret.startswith(PREFIX):
        return None
    return ApiToken.objects.select_related("user", "store").filter(token_hash=digest(secret)).first()


def touch(token: ApiToken, address: str | None) -> None:
    """Record the last use, at most every few seconds: a busy till does not write a row per sale."""
    now = timezone.now()
    if token.last_used_ip == address and token.last_used_at and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=address)
    token.last_used_at, token.last_used_ip = now, address
