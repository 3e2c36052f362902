"""`manage.py export_item_csv --account NAME [PRODUCT_CODE...] --output FILE`: normal-item.csv for RMS."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rakuten_link.listing.csv_export import ItemCsvError, item_csv_bytes
from rakuten_link.listing.lookup import ListingLookupError, account_named, listing_for
from rakuten_link.models import Listing


class Command(BaseCommand):
    help = "Write the account's listings (or those of the given products) as normal-item.csv (cp932, CRLF)."

    def add_arguments(self, parser):
        parser.add_argument("product_codes", nargs="*", metavar="PRODUCT_CODE")
        parser.add_argument("--account", help="account name (may be left out when there is only one account)")
        parser.add_argument("--output", required=True, help="the file to write, e.g. normal-item.csv")

    def handle(self, *args, **options):
        try:
            account = account_named(options["account"])
            if options["product_codes"]:
                listings = [listing_for(account, code) for code in options["product_codes"]]
            else:
                listings = list(Listing.objects.filter(account=account).select_related("product", "account"))
            data, rows = item_csv_bytes(listings)  # complete before the file is touched
            with open(options["output"], "wb") as stream:
                stream.write(data)
        except (ListingLookupError, ItemCsvError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{len(listings)} items, {rows} rows written to {options['output']}")
