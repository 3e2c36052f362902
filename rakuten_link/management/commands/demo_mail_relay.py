"""`manage.py demo_mail_relay`: the demo's local mail relay (rakuten_link/demo_mail.py) until stopped."""

import signal
import threading
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from rakuten_link.demo import DEMO_SMTP_ID, DEMO_SMTP_PASSWORD
from rakuten_link.demo_mail import LOOPBACK, start_relay


class Command(BaseCommand):
    help = "Run the demo's local SMTP relay on 127.0.0.1: AUTH without TLS, each message kept as an .eml file."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--dir", default=str(Path(settings.VAR_DIR) / "demo-mail"), metavar="DIRECTORY")

    def handle(self, *args, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        with warnings.catch_warnings():  # AUTH without TLS is the point here: loopback only, demo credentials
            warnings.simplefilter("ignore", UserWarning)
            relay = start_relay(Path(options["dir"]), options["port"], DEMO_SMTP_ID, DEMO_SMTP_PASSWORD)
        self.stdout.write(f"demo mail relay on {LOOPBACK}:{options['port']}, messages in {options['dir']}")
        try:
            while not stop.wait(0.5):
                pass
        finally:
            relay.stop()
