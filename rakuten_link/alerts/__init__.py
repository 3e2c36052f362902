"""Staff alerts: the kinds (kinds.py), sending and the "resolved" mail (sending.py), the admin links in
the mails (links.py), and the minute check for silence and recoveries (silence.py, recovery.py).

Callers send with ``from rakuten_link.alerts import send_alert``.
"""

from rakuten_link.alerts.kinds import AlertKind, label_of
from rakuten_link.alerts.sending import resolve_alert, send_alert

__all__ = ["AlertKind", "label_of", "resolve_alert", "send_alert"]
