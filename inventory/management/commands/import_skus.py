"""`manage.py import_skus FILE [--dry-run]`: the SKU admin's CSV upload, from a shell."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inventory.sku_imports import import_skus_csv
from lib.csvfile import CsvFormatError


class Command(BaseCommand):
    help = "Create or update products and SKUs from a CSV file; nothing is written if any row is wrong (exit 1)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8 with or without BOM, or cp932)")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")

    def handle(self, *args, **options):
        try:
            data = Path(options["file"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        try:
            report = import_skus_csv(data, dry_run=options["dry_run"])
        except CsvFormatError as exc:
            raise CommandError(str(exc)) from None
        for error in report.errors:
            self.stderr.write(str(error))
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s); nothing was imported", returncode=1)
        prefix = "dry run, nothing written: " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}products created {report.products_created}, updated {report.products_updated}; "
            f"SKUs created {report.created}, updated {report.updated}, unchanged {report.unchanged}"
        )
