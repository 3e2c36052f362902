"""Slips and exports too large for a web request, made by a Django-Q2 worker into a file kept for a day.

300 delivery slips took 32 s and 509 MB inside one request, past a WSGI server's usual 30 s worker
timeout. Above RAKUTEN_SLIP_JOB_THRESHOLD orders (slips) or RAKUTEN_EXPORT_JOB_THRESHOLD order lines
(exports), the admin calls ``start_job`` and shows a progress page instead; the worker runs
``run_report_job``. This module is the one writer of ReportJob rows: the views only read them.

The job stores the order ids, in print or export order, when it is asked for: the file then holds what
the person selected, whatever the list shows by the time a worker gets to it.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from lib.audit import record_action, record_actions
from lib.exports import FORMATS, ExportEncodingError, write

from .exports import MONEY_COLUMNS, order_rows_by_id
from .models import Order, ReportJob, ReportKind, ReportStatus
from .models.report import KEEP_FOR
from .slips import UNAVAILABLE_MESSAGE, SlipsUnavailable, build_slips, render_slips

logger = logging.getLogger(__name__)

TASK = "orders.reports.run_report_job"
FORMAT_NAMES = {"xlsx": "Excel", "csv": "CSV (UTF-8)", "csv-cp932": "CSV (Shift_JIS)"}


class ReportFailed(Exception):
    """A failure staff can act on; its message (already translated) is shown on the progress page."""


def start_job(*, kind: str, user, order_ids: list[int], filename: str, fmt: str = "") -> ReportJob:
    """Record the job and queue it once the row is committed (a worker must find it)."""
    now = timezone.now()
    job = ReportJob.objects.create(kind=kind, requested_by=user, total=len(order_ids), filename=filename,
                                   created_at=now, expires_at=now + KEEP_FOR,
                                   params={"order_ids": order_ids, "format": fmt},
                                   language=translation.get_language() or "ja")
    transaction.on_commit(lambda: async_task(TASK, job.pk, task_name=f"report-{job.pk}"))
    return job


def run_report_job(job_id: int) -> str:
    """The task. A job already done or failed is left alone (a retried task does not make it twice)."""
    if not ReportJob.objects.filter(pk=job_id, status__in=(ReportStatus.QUEUED, ReportStatus.RUNNING)).update(
            status=ReportStatus.RUNNING, done=0):
        return f"report {job_id}: nothing to do"
    job = ReportJob.objects.select_related("requested_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            _make(job)
        except ReportFailed as exc:
            return _fail(job, str(exc))
        except Exception:
            logger.exception("report job %s failed", job_id)
            return _fail(job, _("The file could not be made because of an unexpected error. Try again; if it "
                                "fails again, tell the administrator (the details are in the server log)."))
    return f"report {job_id}: {job.filename} ready"


def _make(job: ReportJob) -> None:
    """Build, store, mark done, and only then audit the print or export (a failed job hands nothing out)."""
    content, audit = BUILDERS[ReportKind(job.kind)](job)
    try:
        job.file.save(f"{job.pk}-{job.filename}", content, save=False)
    finally:
        content.close()
    now = timezone.now()  # the link stays a day from when the file exists, however long the job waited
    ReportJob.objects.filter(pk=job.pk).update(status=ReportStatus.DONE, file=job.file.name, done=F("total"),
                                               finished_at=now, expires_at=now + KEEP_FOR)
    audit()


def _fail(job: ReportJob, message: str) -> str:
    ReportJob.objects.filter(pk=job.pk).update(status=ReportStatus.FAILED, error=message, finished_at=timezone.now())
    return f"report {job.pk} failed"


def _progress(job: ReportJob) -> Callable[[int], None]:
    def report(done: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(done=done)

    return report


def _orders(job: ReportJob) -> list[Order]:
    ids = job.params["order_ids"]
    found = Order.objects.select_related("account").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]  # an order deleted meanwhile is left out


def build_slips_file(job: ReportJob) -> tuple[File, Callable[[], object]]:
    orders = _orders(job)
    slips = build_slips(orders)
    ReportJob.objects.filter(pk=job.pk).update(total=len(slips))
    try:
        pdf = render_slips(slips, progress=_progress(job))
    except SlipsUnavailable:
        raise ReportFailed(str(UNAVAILABLE_MESSAGE)) from None
    message = _("Printed the delivery slip.")
    return ContentFile(pdf.data), lambda: record_actions(job.requested_by, orders, message)


def build_export_file(job: ReportJob) -> tuple[File, Callable[[], object]]:
    ids, export_format = job.params["order_ids"], FORMATS[job.params["format"]]
    stream = tempfile.TemporaryFile()
    try:
        write(order_rows_by_id(ids, progress=_progress(job)), stream, export_format, sheet_title="orders",
              money_columns=MONEY_COLUMNS)
    except ExportEncodingError as exc:
        stream.close()
        raise ReportFailed(_("Nothing was exported. %(error)s") % {"error": exc}) from None
    message = _("Orders exported as %(format)s: %(n)d.") % {"n": len(ids), "format": FORMAT_NAMES[export_format.key]}
    stream.seek(0)
    return File(stream), lambda: record_action(job.requested_by, None, message, model=Order)


BUILDERS = {ReportKind.SLIPS: build_slips_file, ReportKind.EXPORT: build_export_file}


def delete_expired_reports() -> str:
    """Daily (declared in rakuten_link/schedules.py): files past their day, with their rows."""
    expired = list(ReportJob.objects.filter(expires_at__lte=timezone.now()))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
    ReportJob.objects.filter(pk__in=[job.pk for job in expired]).delete()
    return f"deleted {len(expired)} expired file(s)"
