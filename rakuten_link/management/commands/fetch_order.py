"""`manage.py fetch_order ORDER_NUMBER --account NAME`: the admin's 注文番号で取得, from the command line."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import EcAccount
from rakuten_link.sync.orders.manual import fetch_order_by_number


class Command(BaseCommand):
    help = "Fetch one Rakuten order by its number (an order already stored is refreshed); exit status 1 on failure."

    def add_arguments(self, parser):
        parser.add_argument("order_number", help="e.g. 123456-20240501-00000001")
        parser.add_argument("--account", help="account name (may be left out when there is only one account)")

    def handle(self, *args, **options):
        account = self._account(options["account"])
        result = fetch_order_by_number(account, options["order_number"])
        if not result.ok:
            raise CommandError(result.message, returncode=1)
        self.stdout.write(result.message)

    @staticmethod
    def _account(name: str | None) -> EcAccount:
        if name:
            try:
                return EcAccount.objects.get(name=name)
            except EcAccount.DoesNotExist:
                raise CommandError(f"no account named {name!r}") from None
        accounts = list(EcAccount.objects.all()[:2])
        if len(accounts) != 1:
            raise CommandError("--account NAME is required when there is not exactly one account")
        return accounts[0]
