"""One shop, one account: find the existing account a new serviceSecret belongs to.

Two accounts for one shop import every order twice. The shop URL is compared by the model itself (its
normalised shop key is UNIQUE, accounts/shop_keys.py). The serviceSecret is encrypted with a random IV,
so equal secrets have different ciphertexts and no query can compare them: the few existing accounts are
decrypted and compared in Python. A secret the current key cannot decrypt is skipped (it cannot be
compared, and it is reported elsewhere).
"""

from __future__ import annotations

import hmac

from .models import EcAccount
from .secrets import is_unreadable


def account_with_service_secret(secret: str, *, exclude_pk: int | None = None) -> EcAccount | None:
    """The other account holding the same serviceSecret, if any (compared in constant time)."""
    if not secret or is_unreadable(secret):
        return None
    wanted = secret.encode("utf-8")
    for account in _others(exclude_pk).only("pk", "name", "service_secret"):
        stored = account.service_secret
        if stored and not is_unreadable(stored) and hmac.compare_digest(stored.encode("utf-8"), wanted):
            return account
    return None


def _others(exclude_pk: int | None):
    accounts = EcAccount.objects.order_by("pk")
    return accounts.exclude(pk=exclude_pk) if exclude_pk is not None else accounts
