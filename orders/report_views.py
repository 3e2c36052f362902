"""The progress page of a slip or export job, its JSON status (polled by the page) and the download.

Wired into the order admin's URLs (``reports/<int:job_id>/…``), so they need the right to view orders,
checked before anything is looked up. The file holds buyers' personal data: only the person who asked for
it, or someone with the permission ``orders.download_any_reportjob``, sees the page or gets the file, and
only until it expires a day after it was asked for (the daily clean-up then deletes it).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lib.exports import FORMATS

from .models import Order, ReportJob, ReportKind, ReportStatus

STALE_AFTER = timedelta(minutes=30)  # a job still unfinished this long after it was asked for will not finish
WAITING_HINT_AFTER = timedelta(seconds=30)  # no worker took it by then: the qcluster may not be running
TEMPLATE = "admin/orders/report_job.html"


def progress_url(job: ReportJob) -> str:
    return reverse("admin:orders_order_report", args=[job.pk])


def report_progress_view(model_admin, request, job_id: int) -> HttpResponse:
    job = _job_for(model_admin, request, job_id)
    if job is None or job.expired:
        return _gone(model_admin, request, job)
    context = {**admin.site.each_context(request), "opts": Order._meta, "title": job.get_kind_display(),
               "job": job, "state": _state(job), "status_url": reverse("admin:orders_order_report_status",
                                                                      args=[job.pk])}
    return TemplateResponse(request, TEMPLATE, context)


def report_status_view(model_admin, request, job_id: int) -> JsonResponse:
    job = _job_for(model_admin, request, job_id)
    if job is None or job.expired:
        return JsonResponse({"status": "gone", "text": _gone_message(job)}, status=404 if job is None else 410)
    return JsonResponse(_state(job))


def report_download_view(model_admin, request, job_id: int) -> HttpResponseBase:
    job = _job_for(model_admin, request, job_id)
    if job is None or job.expired:
        return _gone(model_admin, request, job)
    if job.status != ReportStatus.DONE or not job.file:
        return HttpResponseRedirect(progress_url(job))
    try:
        stream = job.file.open("rb")
    except FileNotFoundError:
        return _gone(model_admin, request, None)
    response = FileResponse(stream, as_attachment=True, filename=job.filename, content_type=_content_type(job))
    response["Cache-Control"] = "no-store"  # personal data: keep it out of shared caches
    return response


def _job_for(model_admin, request, job_id: int) -> ReportJob | None:
    """The job, if this person may see it; None if there is none (any more). Permissions come first."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    job = ReportJob.objects.filter(pk=job_id).first()
    if job is None:
        return None
    if job.requested_by_id != request.user.pk and not request.user.has_perm("orders.download_any_reportjob"):
        raise PermissionDenied
    return job


def _state(job: ReportJob) -> dict:
    """What the page shows, in the person's language; the page's script only copies it in."""
    status, error = job.status, job.error
    if status in (ReportStatus.QUEUED, ReportStatus.RUNNING) and timezone.now() - job.created_at > STALE_AFTER:
        status, error = ReportStatus.FAILED, _("The job did not finish: the background worker stopped or took too "
                                               "long. Make the file again, perhaps with fewer orders.")
    return {"status": status, "done": job.done, "total": job.total, "percent": job.percent,
            "text": _status_text(job, status), "error": error,
            "download_url": reverse("admin:orders_order_report_download", args=[job.pk])
            if status == ReportStatus.DONE else "",
            "expires": date_format(timezone.localtime(job.expires_at), "DATETIME_FORMAT")}


def _status_text(job: ReportJob, status: str) -> str:
    if status == ReportStatus.QUEUED:
        if timezone.now() - job.created_at > WAITING_HINT_AFTER:
            return _("Still waiting for a background worker. If this does not change, ask the administrator to "
                     "check that the task worker (qcluster) is running.")
        return _("Waiting for a background worker…")
    if status == ReportStatus.RUNNING:
        if job.total and job.done >= job.total:
            return _("Writing the file…")
        return _("%(done)d of %(total)d done…") % {"done": job.done, "total": job.total}
    if status == ReportStatus.DONE:
        return _("The file is ready.")
    return _("The file could not be made.")


def _gone_message(job: ReportJob | None) -> str:
    if job is None:
        return _("This file does not exist any more: files are deleted a day after they were made. Make it again "
                 "from the order list.")
    return _("This download link has expired: files are kept for one day. Make the file again from the order "
             "list.")


def _gone(model_admin, request, job: ReportJob | None) -> HttpResponse:
    context = {**admin.site.each_context(request), "opts": Order._meta, "title": _("File not available"),
               "gone": _gone_message(job)}
    return TemplateResponse(request, TEMPLATE, context, status=404 if job is None else 410)


def _content_type(job: ReportJob) -> str:
    if job.kind == ReportKind.SLIPS:
        return "application/pdf"
    return FORMATS[job.params.get("format") or "xlsx"].content_type
