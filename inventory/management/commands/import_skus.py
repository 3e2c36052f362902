"""`manage.py import_skus FILE [--dry-run]`: the SKU admin's CSV upload, from a shell."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from inventory.sku_imports import import_skus_csv
from lib.csvcommands import dry_run_prefix, run_csv_import


class Command(BaseCommand):
    help = "Create or update products and SKUs from a CSV file; nothing is written if any row is wrong (exit 1)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8 with or without BOM, or cp932)")
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")

    def handle(self, *args, **options):
        report = run_csv_import(self, options["file"], lambda data: import_skus_csv(data, dry_run=options["dry_run"]))
        prefix = dry_run_prefix(report)
        self.stdout.write(
            f"{prefix}products created {report.products_created}, updated {report.products_updated}; "
            f"SKUs created {report.created}, updated {report.updated}, unchanged {report.unchanged}"
        )
