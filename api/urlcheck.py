"""Which webhook URLs we post to: http(s) only, and never a private or loopback address unless allowed.

Checked when the endpoint is saved and again before every delivery (a name may resolve elsewhere later),
so the webhooks cannot be turned against the machines beside us. Tests and a receiver on the same network
set API_WEBHOOKS_ALLOW_PRIVATE.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UrlRefused(ValueError):
    pass


def check_url(url: str) -> None:
    """Raises UrlRefused with the reason, in the user's language."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UrlRefused(_("Only http:// and https:// URLs with a host are accepted."))
    if settings.API_WEBHOOKS_ALLOW_PRIVATE:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (OSError, UnicodeError):
        raise UrlRefused(_("The host %(host)s cannot be resolved.") % {"host": parts.hostname}) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global or address.is_multicast:
            raise UrlRefused(_("%(host)s is a private or local address (%(address)s): not allowed.")
                             % {"host": parts.hostname, "address": address})
