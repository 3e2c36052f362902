"""`manage.py rakuten_poll`, beside `manage.py qcluster`: due stock pushes, fast order fetch, prompt schedules.

Every RAKUTEN_PUSH_POLL_SECONDS (0.1 s) it claims and queues the event-driven stock pushes that became due
(rakuten_link.sync.inventory.pending; one indexed read when none is). Once a second (``--interval``) it
queues the ordinary order-fetch task for accounts with the fast order fetch on, every
RAKUTEN_ORDER_POLL_SECONDS (the decision is in rakuten_link.sync.orders.poller), and the schedules
that are due (rakuten_link.schedules.fire_due_schedules), so scheduled jobs start within about a second of
their slot rather than within the 30 s of Django-Q2's own scheduler (--no-schedules leaves that to it).
Run one poller per deployment; it needs a running cluster to do the work. SIGTERM and SIGINT stop it
after the current pass.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from rakuten_link.schedules import fire_due_schedules
from rakuten_link.sync.inventory.pending import claim_and_queue, due_accounts
from rakuten_link.sync.orders.poller import OrderPoller

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = ("Queue an order fetch every RAKUTEN_ORDER_POLL_SECONDS for accounts with the fast order fetch on; "
            "runs until stopped (SIGTERM or Ctrl-C).")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit (for tests and cron checks)")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between passes (default 1); the poll period itself is the setting")
        parser.add_argument("--no-schedules", action="store_true",
                            help="do not queue due schedules (leave them to the cluster's 30 s scheduler)")

    def handle(self, *args, **options):
        from django_q.brokers import get_broker

        poller = OrderPoller()
        broker = None if options["no_schedules"] else get_broker()  # one connection for every pass
        if options["once"]:
            due = poller.tick()
            _push_pass()
            if broker is not None:
                fire_due_schedules(broker)
            self.stdout.write(f"order poll: queued {len(due)} fetch(es)")
            return
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        self.stdout.write(f"order poller: every {settings.RAKUTEN_ORDER_POLL_SECONDS} s for accounts with the "
                          f"fast order fetch on; SIGTERM or Ctrl-C stops it")
        self.stdout.flush()
        tick, next_pass = max(0.01, settings.RAKUTEN_PUSH_POLL_SECONDS), 0.0
        while not stop.is_set():
            if time.monotonic() >= next_pass:
                next_pass = time.monotonic() + max(0.1, options["interval"])
                _pass(poller, broker)
            _push_pass()
            stop.wait(tick)
        self.stdout.write("order poller stopped")


def _push_pass() -> None:
    """Queue the stock pushes that are due; a failure is logged and the next tick tries again."""
    try:
        due = due_accounts()
        if due:
            claim_and_queue(due)
    except Exception:
        logger.warning("stock push pass failed; retrying", exc_info=True)


def _pass(poller: OrderPoller, broker) -> None:
    """One pass that survives a busy database or broker: the next pass, a second later, tries again.

    Nothing is remembered as queued when the enqueue failed, so the account stays due.
    """
    close_old_connections()
    try:
        poller.tick()
        if broker is not None:
            fire_due_schedules(broker)
    except DatabaseError:
        logger.warning("order poll pass failed on the database; retrying", exc_info=True)
    except Exception:  # a broker (Redis) that is down must not end the poller
        logger.exception("order poll pass failed; retrying")
