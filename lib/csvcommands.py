"""The shared body of the CSV import commands (import_skus, import_mappings, import_shipments)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.core.management.base import BaseCommand, CommandError

from lib.csvfile import CsvFormatError, ImportReport

_Report = TypeVar("_Report", bound=ImportReport)


def run_csv_import(command: BaseCommand, path: str, importer: Callable[[bytes], _Report]) -> _Report:
    """Read ``path``, import it, print every row error; a refused file ends the command with exit status 1."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None
    try:
        report = importer(data)
    except CsvFormatError as exc:
        raise CommandError(str(exc)) from None
    for error in report.errors:
        command.stderr.write(str(error))
    if report.errors:
        raise CommandError(f"{len(report.errors)} error(s); nothing was imported", returncode=1)
    return report


def dry_run_prefix(report: ImportReport) -> str:
    return "dry run, nothing written: " if report.dry_run else ""
