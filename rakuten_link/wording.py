"""What staff read instead of internal names: RMS functions by their Japanese name, errors explained first.

The RMS client (rms/) is Django-free, so its errors are English sentences around what RMS itself said
(``RMS rpay.order.searchOrder: connection failed (ConnectionError)``), and a mail relay's errors are the
operating system's (``[Errno -2] Name or service not known``). Here they become a sentence in the staff's
language naming the function as RMS's manual does (受注検索 (searchOrder)); the technical text is kept,
after ``DETAIL`` so that pages fold it (``as_html``) and mails put it on its own line (``as_mail``).
"""

from __future__ import annotations

import errno
import re
import socket

from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Separates an explanation from the technical text it explains, in stored errors and summaries.
DETAIL = "\n⚙ "

# Every function id the client reports (rms/api_orders.py, rms/api_catalog.py), named as in RMS's manual.
FUNCTION_NAMES = {
    "rpay.order.searchOrder": gettext_lazy("order search"),
    "rpay.order.getOrder": gettext_lazy("order details"),
    "rpay.order.confirmOrder": gettext_lazy("order confirmation"),
    "rpay.order.cancelOrder": gettext_lazy("order cancellation"),
    "rpay.order.updateOrderShipping": gettext_lazy("shipping report"),
    "rpay.order.updateOrderShippingAsync": gettext_lazy("shipping report (batch)"),
    "rpay.order.getResultUpdateOrderShippingAsync": gettext_lazy("shipping report result"),
    "inventoryapi_2.0.variants.get": gettext_lazy("stock lookup"),
    "inventoryapi_2.0.variants.upsert": gettext_lazy("stock update"),
    "inventoryapi_2.0.bulk.get": gettext_lazy("bulk stock lookup"),
    "inventoryapi_2.0.bulk.upsert": gettext_lazy("bulk stock update"),
    "itemapi_2.0.items.get": gettext_lazy("item lookup"),
    "itemapi_2.0.items.bulk.get": gettext_lazy("bulk item lookup"),
    "itemapi_2.0.items.upsert": gettext_lazy("item registration"),
    "itemapi_2.0.items.patch": gettext_lazy("item partial update"),
    "itemapi_2.0.items.search": gettext_lazy("item search"),
    "license.expiryDate.get": gettext_lazy("licenseKey expiry lookup"),
}
ORDER_PREFIXES = ("rpay.order.", "order.")


def function_label(function: str) -> str:
    """`受注検索 (searchOrder)` (older runs stored order ids without ``rpay.``); an unknown id is shown as it is."""
    name = FUNCTION_NAMES.get(function) or FUNCTION_NAMES.get(f"rpay.{function}")
    if name is None:
        return function
    short = next((function.removeprefix(p) for p in ORDER_PREFIXES if function.startswith(p)), function)
    return f"{name} ({short})"


_FUNCTION = r"RMS (?P<function>[^\s:]+)"
# The shapes of rms/errors.py and rms/transport.py, most specific first: (pattern, sentence, technical part).
_FRAMES = (
    (re.compile(_FUNCTION + r" failed \(HTTP (?P<status>\d+)\): (?P<detail>.*)$", re.S),
     gettext_lazy("RMS %(function)s failed (HTTP %(status)s): %(detail)s"), None),
    (re.compile(_FUNCTION + r": unreadable response \(HTTP (?P<status>\d+)\)$", re.S),
     gettext_lazy("RMS %(function)s returned a response that could not be read (HTTP %(status)s)."), None),
    (re.compile(_FUNCTION + r": connection failed \((?P<detail>[^)]*)\)$", re.S),
     gettext_lazy("Could not connect to RMS %(function)s (network or RMS maintenance); the next run tries "
                  "again."), "detail"),
    (re.compile(_FUNCTION + r": timed out \((?P<detail>[^)]*)\)$", re.S),
     gettext_lazy("RMS %(function)s did not answer in time; the next run tries again."), "detail"),
    (re.compile(_FUNCTION + r": request failed \((?P<detail>[^)]*)\)$", re.S),
     gettext_lazy("The request to RMS %(function)s failed."), "detail"),
    (re.compile(_FUNCTION + r": (?P<detail>.*)$", re.S), gettext_lazy("RMS %(function)s: %(detail)s"), None),
)


# An operating-system error as str(OSError) writes it, stored before this module explained them.
_OS_ERROR = re.compile(r"^\[Errno (?P<errno>-?\d+)\] ")
_HOST_UNKNOWN = {-2, -3, -5}  # EAI_NONAME, EAI_AGAIN, EAI_NODATA


def framed(text: str) -> str:
    """A stored RMS error in a translated sentence (technical part after ``DETAIL``); other text as it is."""
    os_error = _OS_ERROR.match(text or "")
    if os_error:
        return f"{_('Network error (%(why)s).') % {'why': _reason(int(os_error['errno']))}}{DETAIL}{text}"
    for pattern, sentence, technical in _FRAMES:
        match = pattern.match(text or "")
        if match:
            values = {**match.groupdict(), "function": function_label(match["function"])}
            shown = str(sentence) % values
            return f"{shown}{DETAIL}{match[technical]}" if technical else shown
    return text


def network_error(exc: BaseException) -> str:
    """What a failed connection means for staff, then (after ``DETAIL``) the system's own text."""
    if isinstance(exc, socket.gaierror):
        why = _reason(-2)
    elif isinstance(exc, ConnectionRefusedError):
        why = _reason(errno.ECONNREFUSED)
    elif isinstance(exc, TimeoutError | socket.timeout):
        why = _reason(errno.ETIMEDOUT)
    else:
        why = _reason(getattr(exc, "errno", None))
    return f"{_('Cannot connect to the mail server (%(why)s).') % {'why': why}}{DETAIL}{exc}"


def _reason(number: int | None) -> str:
    if number in _HOST_UNKNOWN:
        return _("the host name cannot be resolved")
    if number == errno.ECONNREFUSED:
        return _("the server refused the connection")
    if number == errno.ETIMEDOUT:
        return _("the server did not answer in time")
    if number == errno.ECONNRESET:
        return _("the server closed the connection")
    return _("the connection failed")


def as_html(text: str) -> str:
    """For a page: the explanation, with the technical text folded in a <details> block."""
    shown = framed(text)
    head, _sep, detail = shown.partition(DETAIL)
    if not detail:
        return head
    return format_html('{}<details class="technical"><summary>{}</summary><code>{}</code></details>', head,
                       _("Technical detail"), detail)


def as_mail(text: str) -> str:
    """For a mail: the explanation, then the technical text on its own, labelled line."""
    return f"{as_plain(text)}{mail_detail(text)}"


def mail_detail(text: str) -> str:
    """The technical text's labelled line for a mail ("" when there is none), for a mail that quotes the
    explanation (``as_plain``) inside a sentence and puts the technical text below it."""
    detail = framed(text).partition(DETAIL)[2]
    return f"\n{_('Technical detail')}: {detail}" if detail else ""


def as_plain(text: str) -> str:
    """For a list cell: the explanation alone (the run's page shows the technical text)."""
    return framed(text).partition(DETAIL)[0]
