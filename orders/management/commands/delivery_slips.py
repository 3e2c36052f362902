"""`manage.py delivery_slips ORDER_NUMBER... --account NAME --output FILE.pdf`: the admin's slip print, in a shell.

All or nothing: an order number the account does not have stops the command before anything is written,
and the file appears only once the whole PDF is ready (written beside it, then renamed).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import EcAccount
from orders.models import Order
from orders.slips import SlipsUnavailable, slips_pdf


class Command(BaseCommand):
    help = "Print the delivery slips (納品書) of orders into one PDF, in the order given; exit status 1 on error."

    def add_arguments(self, parser):
        parser.add_argument("order_numbers", nargs="+", metavar="ORDER_NUMBER")
        parser.add_argument("--account", required=True, help="EC account name")
        parser.add_argument("--output", required=True, help="PDF file to write (replaced if it exists)")

    def handle(self, *args, **options):
        try:
            account = EcAccount.objects.get(name=options["account"])
        except EcAccount.DoesNotExist:
            raise CommandError(f"no account named {options['account']!r}") from None
        orders = self._orders(account, options["order_numbers"])
        try:
            pdf = slips_pdf(orders)
        except SlipsUnavailable as exc:
            raise CommandError(f"cannot make PDFs here (install WeasyPrint's system libraries): {exc}") from None
        path = Path(options["output"])
        _write_atomically(path, pdf.data)
        self.stdout.write(f"wrote {path}: orders {len(orders)}, slips {pdf.slips}, pages {pdf.pages}")

    @staticmethod
    def _orders(account: EcAccount, numbers: list[str]) -> list[Order]:
        wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
        found = {o.order_number: o for o in Order.objects.filter(account=account, order_number__in=wanted)
                 .select_related("account")}
        unknown = [n for n in wanted if n not in found]
        if unknown:
            raise CommandError(f"{account.name} has no order {', '.join(unknown)}; nothing was written")
        return [found[n] for n in wanted]


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CommandError(f"cannot write {path}: {exc.strerror}") from None
