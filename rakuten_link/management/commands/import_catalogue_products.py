"""`manage.py import_catalogue_products --account NAME [--store CODE] [--user NAME] [--dry-run]`.

Creates our products and SKUs from the account's pulled Rakuten catalogue and maps them, as the mapping
assistant's "create our products from Rakuten" does; with --store, Rakuten's quantities become the opening
count of that store. Running it again changes nothing. Exit status 1 when the SKU import refuses a row.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import EcAccount
from inventory.models import Store
from lib.actors import named_staff_user
from rakuten_link.assistant.products import import_catalogue_products


class Command(BaseCommand):
    help = "Create our products and SKUs from the account's Rakuten catalogue and map them."

    def add_arguments(self, parser):
        parser.add_argument("--account", required=True, help="EC account name")
        parser.add_argument("--store", help="store code: take Rakuten's quantities as its opening count")
        parser.add_argument("--user", help="the staff member the audit trail and the stock ledger name")
        parser.add_argument("--dry-run", action="store_true", help="report only; write nothing")

    def handle(self, *args, **options):
        account = EcAccount.objects.filter(name=options["account"]).first()
        if account is None:
            raise CommandError(f"no account named {options['account']!r}")
        store = None
        if options["store"]:
            store = Store.objects.filter(code=options["store"]).first()
            if store is None:
                raise CommandError(f"no store with the code {options['store']!r}")
        user = named_staff_user(options["user"]) if options["user"] else None
        report = import_catalogue_products(account, store=store, user=user, dry_run=options["dry_run"])
        for problem in report.problems:
            self.stdout.write(f"left out: {problem}")
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError("nothing was imported: fix the rows above")
        prefix = "[dry run] " if options["dry_run"] else ""
        self.stdout.write(f"{prefix}products created {report.products_created}, SKUs created {report.skus_created}, "
                          f"variants to map {len(report.planned)}, mappings created {report.mappings_created}, "
                          f"opening count {report.opening_units} units in {report.opening_skus} SKUs")
