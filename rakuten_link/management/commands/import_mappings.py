"""`manage.py import_mappings FILE --account NAME [--dry-run]`: the admin's CSV upload, from a shell."""

from __future__ import annotations

from functools import partial

from django.core.management.base import BaseCommand, CommandError

from accounts.models import EcAccount
from lib.csvcommands import dry_run_prefix, run_csv_import
from rakuten_link.mappings.imports import import_mappings_csv


class Command(BaseCommand):
    help = "Import product mappings from a CSV file; nothing is written if any row is wrong (exit status 1)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8 with or without BOM, or cp932)")
        parser.add_argument("--account", required=True, help="EC account name")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")

    def handle(self, *args, **options):
        try:
            account = EcAccount.objects.get(name=options["account"])
        except EcAccount.DoesNotExist:
            raise CommandError(f"no account named {options['account']!r}") from None
        importer = partial(import_mappings_csv, account=account, dry_run=options["dry_run"])
        report = run_csv_import(self, options["file"], importer)
        prefix = dry_run_prefix(report)
        self.stdout.write(f"{prefix}created {report.created}, updated {report.updated}, unchanged {report.unchanged}")
