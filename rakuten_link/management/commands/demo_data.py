"""`manage.py demo_data`: load the demo stores, products, stock, account and mappings (idempotent)."""

from django.core.management.base import BaseCommand

from inventory.models import Sku
from rakuten_link.demo import load_demo_data, match_sandbox_rounding
from rakuten_link.sync.account_check import check_account


class Command(BaseCommand):
    help = "Load demo data matching the RMS sandbox's demo catalogue; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--no-check", action="store_true", help="do not check the demo account against RMS")
        parser.add_argument("--sandbox-url", default="", metavar="URL",
                            help="the demo's RMS sandbox: give its shop the demo account's tax rounding")

    def handle(self, *args, **options):
        account = load_demo_data()
        self.stdout.write(f"demo data: account {account.name}, {Sku.objects.count()} SKUs, "
                          f"{account.product_mappings.count()} mappings")
        if options["sandbox_url"]:
            match_sandbox_rounding(account, options["sandbox_url"])
        if not options["no_check"]:
            outcome = check_account(account)
            self.stdout.write(f"account check: {outcome.status} {outcome.reason}".rstrip())
