"""`manage.py export_labels --account NAME --carrier b2|ehiden|yupri|clickpost [--orders N1,N2…] --output FILE`.

Without --orders, every order of the account that is allocated, confirmed (発送待ち) and not shipped. Rows
that cannot be made are printed with their reasons and the command exits with status 1; the file then holds
the other rows, so the reasons can be fixed in RMS and only those orders exported again.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import EcAccount
from orders.models import Order
from rakuten_link.shipping.label_export import CARRIERS, NoLabelSettings, export_labels, shippable


class Command(BaseCommand):
    help = "Write a carrier label file (B2クラウド, e飛伝Ⅲ, ゆうプリR, クリックポスト) of orders to ship."

    def add_arguments(self, parser):
        parser.add_argument("--account", required=True, help="EC account name")
        parser.add_argument("--carrier", required=True, choices=sorted(CARRIERS))
        parser.add_argument("--orders", default="", help="comma-separated order numbers (default: all to ship)")
        parser.add_argument("--output", required=True, help="file to write (Shift_JIS, CRLF)")
        parser.add_argument("--size", choices=["normal", "compact", "mailbox"], default="",
                            help="send every package as this (default: the label settings' rules)")

    def handle(self, *args, **options):
        try:
            account = EcAccount.objects.get(name=options["account"])
        except EcAccount.DoesNotExist:
            raise CommandError(f"no account named {options['account']!r}") from None
        numbers = [n.strip() for n in options["orders"].split(",") if n.strip()]
        orders = Order.objects.filter(account=account, order_number__in=numbers) if numbers else shippable(account)
        missing = sorted(set(numbers) - set(orders.values_list("order_number", flat=True)))
        if missing:
            raise CommandError(f"unknown order(s) of {account.name}: {', '.join(missing)}")
        try:
            result = export_labels(account, options["carrier"], orders, size=options["size"])
        except NoLabelSettings as exc:
            raise CommandError(str(exc)) from None
        for problem in result.problems:
            self.stderr.write(f"{problem.order_number} #{problem.basket_id}: {' / '.join(problem.reasons)}")
        if result.rows:
            Path(options["output"]).write_bytes(result.data)
        self.stdout.write(f"{result.rows} label row(s) written to {options['output']}" if result.rows
                          else "no label row could be made; nothing written")
        if result.problems:
            raise CommandError(f"{len(result.problems)} package(s) could not be exported (listed above)",
                               returncode=1)
