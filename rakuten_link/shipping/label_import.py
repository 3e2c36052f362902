"""The file the label software gives back, read into the tracking-number import.

Each carrier module reads its file into (line, key, tracking number, date) rows; here the key becomes the
order number and basket (``label_export.parse_key``) and the rows go through the very import the
tracking-number CSV uses (``imports.import_shipments_csv``): the same checks, preview, all-or-nothing write
and one shipment per label, reported to RMS once by the shipments job. Errors name the carrier file's line
and column. Rows under a key this back office did not make (another batch, another shop's labels, printed
by hand) are skipped and listed as warnings: the label software's history holds them too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import EcAccount
from lib.csvfile import CHUNK_PROGRESS, CHUNK_ROWS, CsvFormatError, CsvRow, ImportReport, RowError
from rakuten_link.shipping.imports import import_shipments_csv
from rakuten_link.shipping.label_export import CARRIERS, options_of, parse_key, settings_of
from rakuten_link.shipping.labels import Issued, ReturnFileError, b2, clickpost, ehiden, files, yupri

_YMD = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class LabelTable:
    """The rows of a file given back, in the shape and with the chunks a CsvTable has."""

    def __init__(self, rows: list[CsvRow]) -> None:
        self._rows, self.passes = rows, 0

    def chunks(self, size: int = CHUNK_ROWS) -> Iterator[list[CsvRow]]:
        """As CsvTable.chunks: a worker's progress page hears after each chunk how far this pass has come."""
        self.passes += 1
        progress = CHUNK_PROGRESS.get()
        for start in range(0, len(self._rows), size):
            yield self._rows[start:start + size]
            if progress is not None:
                progress(self.passes, min(start + size, len(self._rows)))


def import_labels(data: bytes, *, account: EcAccount, carrier: str, dry_run: bool = False,
                  user=None) -> ImportReport:
    """Raises CsvFormatError for a file that cannot be read as this carrier's (nothing is written)."""
    options = options_of(settings_of(account))
    try:
        issued = list(_read(data, carrier, options))
    except ReturnFileError as exc:
        raise CsvFormatError(str(exc)) from None
    names = _columns(carrier, options)
    code = options.get(f"{carrier}_carrier_code") or CARRIERS[carrier].CARRIER_CODE
    rows, skipped = [], []
    for row in issued:
        key = parse_key(row.key)
        if key is None:
            skipped.append(RowError(row.line, names["key"], _("「%(key)s」 was not made here: the row is skipped.")
                                    % {"key": row.key}))
            continue
        values = {"order_number": key[0], "basket_id": key[1], "carrier": code,
                  "tracking_number": row.tracking_number, "shipped_on": _date(row.shipped_on)}
        rows.append(CsvRow(row.line, values))
    if not rows:
        raise CsvFormatError(_("The file has no row made by this back office (お客様管理番号 of the order "
                               "number and basket)."))
    labels = {"order_number": names["key"], "basket_id": names["key"], "carrier": _("carrier"),
              "tracking_number": names["tracking_number"], "shipped_on": names["shipped_on"]}
    report = import_shipments_csv(None, account=account, dry_run=dry_run, user=user, table=LabelTable(rows),
                                  labels=labels)
    report.warnings.extend(skipped)
    return report


def _read(data: bytes, carrier: str, options: dict) -> Iterator[Issued]:
    rows = files.read(data)
    if carrier == "b2":
        return b2.read(rows)
    if carrier == "ehiden":
        return ehiden.read(rows, options)
    module = yupri if carrier == "yupri" else clickpost
    return module.read(rows, options, timezone.localdate())


def _columns(carrier: str, options: dict) -> dict[str, str]:
    if carrier == "b2":
        return b2.COLUMNS
    if carrier == "ehiden":
        return ehiden.columns(options)
    return (yupri if carrier == "yupri" else clickpost).columns(options)


def _date(text: str) -> str:
    """20260502 (e飛伝, ゆうプリR) as 2026-05-02; other forms go to the import's own date check as they are."""
    match = _YMD.match(text.strip())
    return "-".join(match.groups()) if match else text
