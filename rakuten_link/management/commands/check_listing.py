"""`manage.py check_listing PRODUCT_CODE --account NAME [--template NAME]`: the pre-flight check, printed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rakuten_link.listing.lookup import ListingLookupError, account_named, listing_for, template_named
from rakuten_link.listing.preflight import FIELD_LABELS
from rakuten_link.listing.sending import check_listing


class Command(BaseCommand):
    help = "Check a product's Rakuten listing (prohibited words, RMS's rules); exit status 1 when it is blocked."

    def add_arguments(self, parser):
        parser.add_argument("product_code")
        parser.add_argument("--account", help="account name (may be left out when there is only one account)")
        parser.add_argument("--template", help="listing template name (default: the listing's, else 標準)")

    def handle(self, *args, **options):
        try:
            account = account_named(options["account"])
            template = template_named(account, options["template"]) if options["template"] else None
            listing = listing_for(account, options["product_code"], template)
        except ListingLookupError as exc:
            raise CommandError(str(exc)) from None
        findings = check_listing(listing)
        for finding in findings:
            context = f"  …{finding.before}[{finding.found}]{finding.after}…" if finding.found else ""
            self.stdout.write(f"{FIELD_LABELS.get(finding.field, finding.field)}: {finding.message}{context}")
        if findings:
            raise CommandError(f"{listing.manage_number}: blocked ({len(findings)} findings)", returncode=1)
        self.stdout.write(f"{listing.manage_number}: OK")
