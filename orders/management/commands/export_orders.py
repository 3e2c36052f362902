"""`manage.py export_orders --account NAME [--since DATE] [--until DATE] --format xlsx|csv --output FILE`.

The admin's order export from a shell (for a nightly job handing orders to accounting). Dates are order
dates in JST, both ends inclusive. The file is complete or absent: a character cp932 cannot hold stops
the export with exit status 1 and leaves no file behind (an existing file of that name is left as it was).
"""

from __future__ import annotations

from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.models import EcAccount
from lib.exports import FORMATS, ExportEncodingError, write_file
from orders.exports import MONEY_COLUMNS, jst_order_date_range, order_rows
from orders.models import Order


class Command(BaseCommand):
    help = "Export an account's orders (one row per order line) to Excel or CSV; exit status 1 on failure."

    def add_arguments(self, parser):
        parser.add_argument("--account", required=True, help="EC account name")
        parser.add_argument("--since", type=_date, help="first order date, YYYY-MM-DD (JST, inclusive)")
        parser.add_argument("--until", type=_date, help="last order date, YYYY-MM-DD (JST, inclusive)")
        parser.add_argument("--format", required=True, choices=["xlsx", "csv"], dest="fmt")
        parser.add_argument("--encoding", choices=["utf-8", "cp932"],
                            help="CSV only: utf-8 (with BOM, the default) or cp932 (Shift_JIS)")
        parser.add_argument("--output", required=True, help="file to write (replaced only when the export succeeds)")

    def handle(self, *args, **options):
        account = _account(options["account"])
        since, until = options["since"], options["until"]
        if since and until and until < since:
            raise CommandError("--until is before --since")
        export_format = _format(options["fmt"], options["encoding"])
        orders = Order.objects.filter(account=account, **jst_order_date_range(since, until))
        try:
            rows = write_file(order_rows(orders), options["output"], export_format, sheet_title="orders",
                              money_columns=MONEY_COLUMNS)
        except ExportEncodingError as exc:
            raise CommandError(f"nothing was written: {exc}", returncode=1) from None
        except OSError as exc:
            raise CommandError(f"cannot write {options['output']}: {exc.strerror}") from None
        self.stdout.write(f"{orders.count()} orders, {rows} rows written to {options['output']}")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _account(name: str) -> EcAccount:
    try:
        return EcAccount.objects.get(name=name)
    except EcAccount.DoesNotExist:
        raise CommandError(f"no account named {name!r}") from None


def _format(fmt: str, encoding: str | None):
    if fmt == "xlsx":
        if encoding:
            raise CommandError("--encoding applies to --format csv only")
        return FORMATS["xlsx"]
    return FORMATS["csv-cp932" if encoding == "cp932" else "csv"]
