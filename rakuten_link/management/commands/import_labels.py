"""`manage.py import_labels FILE --account NAME --carrier b2|ehiden|yupri|clickpost [--dry-run]`.

The file the label software gives back (B2 発行済データ, e飛伝 出荷データ, ゆうプリR / クリックポスト output):
the same import as the tracking-number CSV, so any bad row stops it and nothing is written (exit status 1).
"""

from __future__ import annotations

from functools import partial

from django.core.management.base import BaseCommand, CommandError

from accounts.models import EcAccount
from lib.csvcommands import dry_run_prefix, run_csv_import
from rakuten_link.shipping.label_export import CARRIERS, NoLabelSettings
from rakuten_link.shipping.label_import import import_labels


class Command(BaseCommand):
    help = "Record the tracking numbers of a carrier's issued-labels file; RMS hears of them at the next report."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--account", required=True, help="EC account name")
        parser.add_argument("--carrier", required=True, choices=sorted(CARRIERS))
        parser.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")

    def handle(self, *args, **options):
        try:
            account = EcAccount.objects.get(name=options["account"])
        except EcAccount.DoesNotExist:
            raise CommandError(f"no account named {options['account']!r}") from None
        importer = partial(_import, account=account, carrier=options["carrier"], dry_run=options["dry_run"])
        try:
            report = run_csv_import(self, options["file"], importer)
        except NoLabelSettings as exc:
            raise CommandError(str(exc)) from None
        for warning in report.warnings:
            self.stderr.write(str(warning))
        self.stdout.write(f"{dry_run_prefix(report)}{report.created} new shipments, {report.updated} updated, "
                          f"{report.unchanged} unchanged")


def _import(stream, **kwargs):
    return import_labels(stream.read(), **kwargs)
