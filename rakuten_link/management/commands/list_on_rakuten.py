"""`manage.py list_on_rakuten PRODUCT_CODE... --account NAME [--template NAME]`: the admin's send action."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.secrets import SecretUnreadable
from rakuten_link.listing.lookup import ListingLookupError, account_named, listing_for, template_named
from rakuten_link.listing.sending import send_listing, withdraw_listing
from rakuten_link.sync.clients import client_for


class Command(BaseCommand):
    help = "Check and send products to Rakuten (items upsert, full replace); exit status 1 if any was not listed."

    def add_arguments(self, parser):
        parser.add_argument("product_codes", nargs="+", metavar="PRODUCT_CODE")
        parser.add_argument("--account", help="account name (may be left out when there is only one account)")
        parser.add_argument("--template", help="listing template name (default: the listing's, else 標準)")
        parser.add_argument("--hide", action="store_true", help="withdraw: hide the items on Rakuten (never deletes)")

    def handle(self, *args, **options):
        try:
            account = account_named(options["account"])
            template = template_named(account, options["template"]) if options["template"] else None
            listings = [listing_for(account, code, template) for code in options["product_codes"]]
            client = client_for(account)
        except (ListingLookupError, SecretUnreadable) as exc:
            raise CommandError(str(exc)) from None
        send = withdraw_listing if options["hide"] else send_listing
        failed = 0
        for listing in listings:
            result = send(listing, client)
            failed += not result.ok
            self.stdout.write(f"{listing.manage_number}: {result.message}")
            for finding in listing.findings if not result.ok else []:
                self.stdout.write(f"  {finding['message']}")
        if failed:
            raise CommandError(f"{failed} of {len(listings)} not listed", returncode=1)
