"""Big CSV uploads checked and written by a Django-Q2 worker, with a progress page, instead of in the request.

A 20 MB file takes from 15 s to 40 min to check or write (bench/README.md), past any web worker's timeout.
Above RAKUTEN_UPLOAD_JOB_THRESHOLD_BYTES an upload page keeps the file (lib.uploads.PreviewStore), calls
``start_upload_job`` and sends the browser to its progress page; the worker runs ``run_upload_job``, which
calls the page's own import function (``handler``, a dotted path: the mapping and tracking-number importers
live in apps above inventory) with the same arguments the synchronous page passes. The report it returns is
kept as JSON and shown by the page exactly as the synchronous page shows it. This module is the one writer
of UploadJob rows.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from lib.csvfile import CHUNK_PROGRESS, CsvFormatError, ErrorLog, ImportReport, RowError, check_readable
from lib.uploads import PreviewStore

from .models import UploadJob, UploadJobStatus

logger = logging.getLogger(__name__)

TASK = "inventory.upload_jobs.run_upload_job"
CHECK, WRITE = "check", "write"  # phases: a dry run for the preview, or the import itself (check, then write)
KEEP_FOR = timedelta(days=1)  # as long as PreviewStore keeps the file
# Longer than the cluster's 240 s: writing 20 MB of tracking numbers takes about 40 min (bench/README.md).
# A re-delivered task finds the job running and leaves it alone; a killed one writes nothing (one transaction).
TIMEOUT_SECONDS = 2 * 3600


def is_big(size: int | None) -> bool:
    return (size or 0) > settings.RAKUTEN_UPLOAD_JOB_THRESHOLD_BYTES


def is_big_upload(upload) -> bool:
    """True for an upload to hand to a worker; CsvFormatError at once for a file no import could read."""
    if not is_big(upload.size):
        return False
    check_readable(upload)
    return True


def start_upload_job(*, kind: str, handler: str, phase: str, token: str, user, account_id: int = 0) -> UploadJob:
    """Record the job and queue it once the row is committed (a worker must find it); forget day-old jobs."""
    delete_old_upload_jobs()
    if phase == WRITE:  # a second click on "import" follows the first one's job instead of importing twice
        earlier = UploadJob.objects.filter(kind=kind, token=token, phase=WRITE).first()
        if earlier is not None:
            return earlier
    job = UploadJob.objects.create(kind=kind, handler=handler, phase=phase, token=token, account_id=account_id,
                                   requested_by=user, language=translation.get_language() or "ja")
    transaction.on_commit(lambda: async_task(TASK, job.pk, task_name=f"upload-{job.pk}",
                                                      timeout=TIMEOUT_SECONDS))
    return job


def run_upload_job(job_id: int) -> str:
    """The task. A job already done or failed is left alone (a retried task does not import twice)."""
    if not UploadJob.objects.filter(pk=job_id, status=UploadJobStatus.QUEUED).update(status=UploadJobStatus.RUNNING):
        return f"upload {job_id}: nothing to do"
    job = UploadJob.objects.get(pk=job_id)
    with translation.override(job.language):
        try:
            report = _run(job)
        except CsvFormatError as exc:
            return _finish(job, UploadJobStatus.FAILED, error=str(exc))
        except Exception:
            logger.exception("upload job %s failed", job_id)
            return _finish(job, UploadJobStatus.FAILED, error=_(
                "The file could not be imported because of an unexpected error; nothing was written. Try again; "
                "if it fails again, tell the administrator (the details are in the server log)."))
        if report is None:
            return _finish(job, UploadJobStatus.FAILED, error=_("The preview has expired; upload the file again."))
        return _finish(job, UploadJobStatus.DONE, report=report_to_json(report))


def _run(job: UploadJob) -> ImportReport | None:
    import_file = import_string(job.handler)
    user = get_user_model().objects.filter(pk=job.requested_by_id).first()
    marker = CHUNK_PROGRESS.set(_progress(job))
    try:
        with PreviewStore(job.kind).open(job.token) as (_account_id, stream):
            if stream is None:
                return None
            return import_file(stream, account_id=job.account_id, user=user, dry_run=job.phase == CHECK)
    finally:
        CHUNK_PROGRESS.reset(marker)


def _progress(job: UploadJob):
    """Rows checked (the first pass over the file) and written (the second), after each chunk."""
    def report(current_pass: int, rows: int) -> None:
        if current_pass > 1 and job.phase == CHECK:
            return  # a dry run's second pass only plans: the rows were counted by the first
        field = "checked" if current_pass == 1 else "written"
        UploadJob.objects.filter(pk=job.pk).update(**{field: rows})

    return report


def _finish(job: UploadJob, status: str, *, report: dict | None = None, error: str = "") -> str:
    if status == UploadJobStatus.DONE and job.phase == WRITE and report and not report["errors"]:
        PreviewStore(job.kind).drop(job.token)  # imported: the kept file is not needed any more
    UploadJob.objects.filter(pk=job.pk).update(status=status, report=report or {}, error=error,
                                               finished_at=timezone.now())
    return f"upload {job.pk}: {status}"


def acknowledge(job: UploadJob) -> bool:
    """True once only: the page that shows a finished import records and announces it exactly once."""
    return bool(UploadJob.objects.filter(pk=job.pk, acknowledged=False).update(acknowledged=True))


def delete_old_upload_jobs() -> int:
    return UploadJob.objects.filter(created_at__lte=timezone.now() - KEEP_FOR).delete()[0]


def report_to_json(report: ImportReport) -> dict:
    """What the page needs of a report: counts, the first errors and warnings with their totals, the preview."""
    data = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
            "dry_run": report.dry_run, "errors": _log_to_json(report.errors),
            "warnings": _log_to_json(report.warnings),
            "preview": {"rows": list(report.preview), "total": report.preview.total},
            "extra": {field.name: getattr(report, field.name) for field in dataclasses.fields(report)
                      if field.name not in _BASE_FIELDS}}  # e.g. the SKU report's product counts
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))  # lazy texts and dates become plain strings


def report_from_json(data: dict) -> ImportReport:
    report = ImportReport(created=data["created"], updated=data["updated"], unchanged=data["unchanged"],
                          dry_run=data["dry_run"], errors=_log_from_json(data["errors"]),
                          warnings=_log_from_json(data["warnings"]))
    for row in data["preview"]["rows"]:
        report.preview.append(row)
    report.preview.total = data["preview"]["total"]
    for name, value in data.get("extra", {}).items():
        setattr(report, name, value)
    return report


_BASE_FIELDS = {field.name for field in dataclasses.fields(ImportReport)}


def _log_to_json(log: ErrorLog) -> dict:
    return {"shown": [[error.line, error.column, error.message] for error in log], "total": log.total,
            "per_column": log.per_column} if log.total else {}


def _log_from_json(data: dict) -> ErrorLog:
    log = ErrorLog(RowError(*error) for error in data.get("shown", ()))
    if data:
        log.total, log.per_column = data["total"], dict(data["per_column"])
    return log

