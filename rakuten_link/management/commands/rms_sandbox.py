"""`manage.py rms_sandbox [--port N] [--seed demo|empty|catalogue]`: run the RMS simulator in the foreground."""

from django.core.management.base import BaseCommand

from rakuten_link.sandbox.server import main
from rakuten_link.sandbox.state.seed import SEEDS


class Command(BaseCommand):
    help = "Run the RMS sandbox (a stateful simulator of the RMS WEB SERVICE API) over HTTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--seed", choices=SEEDS, default="demo")
        parser.add_argument("--auto-orders-every", type=float, default=0.0, metavar="SECONDS")
        parser.add_argument("--processing-delay", type=float, default=None, metavar="SECONDS")
        parser.add_argument("--rate-limits", action="store_true")
        parser.add_argument("--latency-ms", type=int, default=0)

    def handle(self, *args, **options):
        argv = ["--host", options["host"], "--port", str(options["port"]), "--seed", options["seed"],
                "--auto-orders-every", str(options["auto_orders_every"]), "--latency-ms", str(options["latency_ms"])]
        if options["processing_delay"] is not None:
            argv += ["--processing-delay", str(options["processing_delay"])]
        if options["rate_limits"]:
            argv.append("--rate-limits")
        main(argv)
