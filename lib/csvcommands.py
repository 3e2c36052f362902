"""The shared body of the CSV import commands (import_skus, import_mappings, import_shipments)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

from django.core.management.base import BaseCommand, CommandError

from lib.csvfile import CsvFormatError, ImportReport

_Report = TypeVar("_Report", bound=ImportReport)


def run_csv_import(command: BaseCommand, path: str, importer: Callable[[BinaryIO], _Report]) -> _Report:
    """Import the file at ``path`` (read as a stream, like an upload); a refused file exits with status 1.

    Errors are printed as the upload page shows them: the first 100 by line, then the count per column
    and the total, so a file of a million bad rows prints a page, not a million lines.
    """
    try:
        stream = Path(path).open("rb")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    with stream:
        try:
            report = importer(stream)
        except CsvFormatError as exc:
            raise CommandError(str(exc)) from None
    errors = report.errors
    for error in errors:
        command.stderr.write(str(error))
    if errors:
        if errors.truncated:
            command.stderr.write(f"… the first {len(errors)} of {errors.total:,} errors are listed above")
        for column, count in errors.column_counts():
            command.stderr.write(f"{column}: {count:,} error(s)")
        raise CommandError(f"{errors.total:,} error(s); nothing was imported", returncode=1)
    return report


def dry_run_prefix(report: ImportReport) -> str:
    return "dry run, nothing written: " if report.dry_run else ""
