"""The ``messages`` job: settle what a dead worker left 'sending', queue due follow-ups, send the queue.

Each message is marked 'sending' in its own commit before the SMTP call, so a worker that dies after the
relay accepted it leaves a row a later run turns into 'unknown' (never re-sent automatically) — once it has
been 'sending' longer than any live send can take (``STALE_SENDING_SECONDS``), so a run beside another never
mistakes that one's message in flight for a dead worker's. A 535
(login refused) puts the message back in the queue, pauses the account's messages until the SMTP password
is saved again and alerts once, linking to the queued messages; a 552 (sender refused) fails the message
with what to fix. A 5xx answer to DATA (554: the relay refused that message) is a definite refusal too: the
message is failed with the relay's reply, and the next one goes out on the same connection. A run that
failed a message is a failed run.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from accounts.secrets import SecretUnreadable
from accounts.services import pause_messages
from orders import outbox
from orders.models import BuyerMessage, MessageStatus
from rakuten_link.alerts import send_alert
from rakuten_link.alerts.links import messages_list
from rakuten_link.sync.messages.queueing import queue_follow_up_messages
from rakuten_link.sync.runner import JobResult
from rakuten_link.wording import DETAIL, as_mail, network_error

MAX_PER_RUN = 200
TIMEOUT_SECONDS = 30
STALE_SENDING_SECONDS = 5 * TIMEOUT_SECONDS  # a live send is one SMTP exchange, each step bounded by the timeout


def send_messages(*, account: EcAccount, run=None, **_options) -> JobResult:
    """One run for one account; the RMS client is not used (there is no API for buyer mail)."""
    unknown = _settle_abandoned(account)
    account.refresh_from_db()
    counts = {"sent": 0, "failed": 0, "unknown": unknown, "queued": 0,
              "follow_up": queue_follow_up_messages(account)}
    queued = list(BuyerMessage.objects.filter(order__account=account, status=MessageStatus.QUEUED)
                  .order_by("created_at", "pk")[:MAX_PER_RUN])
    counts["queued"] = len(queued)
    if account.messages_paused or not queued:
        return JobResult(summary=_summary(counts, paused=account.messages_paused), counts=counts)
    if not account.smtp_id or not account.smtp_from_address:
        error = _("The SMTP AUTH ID and the sender address must be set on the account to send buyer messages.")
        return JobResult(summary=_summary(counts), counts=counts, failed=True, error=error)
    try:
        with _connect(account) as smtp:
            for message in queued:
                if not _send_one(account, smtp, message, counts):
                    break
    except SecretUnreadable as exc:  # the key in force cannot decrypt the SMTP password: nothing was sent
        return JobResult(summary=_summary(counts), counts=counts, failed=True, error=str(exc))
    except smtplib.SMTPAuthenticationError as exc:
        _refused_login(account, exc)
        error = f"{_('The relay refused the SMTP AUTH login.')}{DETAIL}{_smtp_error(exc)}"
        return JobResult(summary=_summary(counts, paused=True), counts=counts, failed=True, error=error)
    except (OSError, smtplib.SMTPException) as exc:
        error = network_error(exc)
        return JobResult(summary=_summary(counts), counts=counts, failed=True, error=error)
    error = _("%(count)d buyer messages were refused by the relay; each shows the relay's reply in the outbox, "
              "where it can be sent again once fixed.") % {"count": counts["failed"]} if counts["failed"] else ""
    return JobResult(summary=_summary(counts), counts=counts, failed=bool(counts["failed"]), error=error)


def _settle_abandoned(account: EcAccount) -> int:
    """'sending' rows older than any live send: their worker died, perhaps after the relay took the mail."""
    stale = timezone.now() - timedelta(seconds=STALE_SENDING_SECONDS)
    abandoned = BuyerMessage.objects.filter(order__account=account, status=MessageStatus.SENDING).filter(
        Q(sending_since__lt=stale) | Q(sending_since__isnull=True))
    return sum(outbox.mark_unknown(m, _("The worker stopped while sending; the relay may have delivered it."))
               for m in abandoned)


def _connect(account: EcAccount) -> smtplib.SMTP:
    """Log in to the relay; SecretUnreadable (wrong encryption key) ends the run before any mail."""
    password = str(account.smtp_password)  # an undecryptable one raises SecretUnreadable here
    smtp = smtplib.SMTP(settings.RAKUTEN_SMTP_HOST, settings.RAKUTEN_SMTP_PORT, timeout=TIMEOUT_SECONDS)
    try:
        if settings.RAKUTEN_SMTP_STARTTLS:
            smtp.starttls()
        smtp.login(account.smtp_id, password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send_one(account: EcAccount, smtp: smtplib.SMTP, message: BuyerMessage, counts: dict) -> bool:
    """Send one message; False when the connection is no longer usable (the rest wait for the next run)."""
    if not outbox.mark_sending(message):
        return True  # another worker took it
    try:
        smtp.send_message(_email(account, message))
    except smtplib.SMTPSenderRefused as exc:
        _refused_sender(account, message, exc)
        counts["failed"] += 1
        return False
    except smtplib.SMTPDataError as exc:  # the relay answered the message itself: nothing was delivered
        _refused_data(account, message, exc, counts)
        return True  # smtplib reset the transaction: the connection goes on
    except smtplib.SMTPRecipientsRefused as exc:
        outbox.mark_failed(message, _("The relay refused the recipient: %(error)s") % {"error": exc.recipients})
        counts["failed"] += 1
        return True
    except (OSError, smtplib.SMTPException) as exc:
        outbox.mark_unknown(message, _smtp_error(exc))  # cut off mid-message: perhaps delivered
        counts["unknown"] += 1
        return False
    outbox.mark_sent(message)
    counts["sent"] += 1
    return True


def _email(account: EcAccount, message: BuyerMessage) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = account.smtp_from_address
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid()
    mail.set_content(message.body)
    return mail


def _refused_login(account: EcAccount, exc: smtplib.SMTPAuthenticationError) -> None:
    reason = _("The relay refused the SMTP AUTH login: buyer messages are paused until the SMTP AUTH password is "
               "saved again.")
    if pause_messages(account, reason):
        send_alert(account, kind="message_refused", throttle=None, link=messages_list(account, status__exact="queued"),
                   subject=_("Buyer messages paused: the relay refused the SMTP AUTH login"),
                   body=_("Account %(name)s: %(reason)s\nCheck the SMTP AUTH ID and password in R-Login "
                          "(あんしんメルアドサービスメニュー › メールサーバ設定情報) and save the password on the "
                          "account page. The messages stay queued and go out after that.")
                   % {"name": account.name, "reason": as_mail(f"{reason}{DETAIL}{_smtp_error(exc)}")})


def _refused_sender(account: EcAccount, message: BuyerMessage, exc: smtplib.SMTPSenderRefused) -> None:
    error = _("The relay refused the sender %(sender)s (%(error)s). The From address must be one registered in "
              "RMS: register it there or change the account's sender address, then resend the message.") % {
        "sender": account.smtp_from_address, "error": _smtp_error(exc)}
    outbox.mark_failed(message, error)
    send_alert(account, kind="message_refused", subject=_("A buyer message was refused by the relay"),
               body=_("Account %(name)s, order %(order)s: %(error)s") % {
                   "name": account.name, "order": message.order.order_number, "error": error})


def _refused_data(account: EcAccount, message: BuyerMessage, exc: smtplib.SMTPDataError, counts: dict) -> None:
    """5xx: refused for good (failed, with the reply, and alerted); 4xx: not now (queued again, next run)."""
    reply = _smtp_error(exc)
    if exc.smtp_code < 500:
        outbox.requeue(message, reply)
        return
    error = _("The relay refused the message: %(error)s") % {"error": reply}
    outbox.mark_failed(message, error)
    counts["failed"] += 1
    send_alert(account, kind="message_refused", subject=_("A buyer message was refused by the relay"),
               body=_("Account %(name)s, order %(order)s: %(error)s") % {
                   "name": account.name, "order": message.order.order_number, "error": error})


def _smtp_error(exc: Exception) -> str:
    code, text = getattr(exc, "smtp_code", None), getattr(exc, "smtp_error", b"")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip() if code else str(exc)


def _summary(counts: dict, *, paused: bool = False) -> str:
    text = _("%(sent)d sent, %(failed)d failed, %(unknown)d unknown of %(queued)d queued") % counts
    return "; ".join((text, _("messages paused"))) if paused else text
