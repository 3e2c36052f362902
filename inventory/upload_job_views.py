"""The progress page of a big CSV upload (inventory/upload_jobs.py), shared by the four upload pages.

Each page wires ``import/jobs/<id>/`` to ``upload_job_view`` with two of its own functions: ``show`` renders
its upload page with a report (the errors, or the preview and its confirm button), ``finish`` records and
announces a finished import exactly as its synchronous confirm does. Only the person who uploaded, or a
superuser, sees a job; the page's own permission check runs before this view.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.csvfile import ImportReport

from .models import UploadJob, UploadJobStatus
from .upload_jobs import CHECK, TIMEOUT_SECONDS, acknowledge, report_from_json

TEMPLATE = "admin/upload_job.html"
WAITING_HINT_AFTER = timedelta(seconds=30)  # no worker took it by then: the qcluster may not be running
Show = Callable[[ImportReport, str | None, UploadJob], HttpResponse]
Finish = Callable[[ImportReport, UploadJob], HttpResponse]


def upload_job_view(model_admin, request, job_id: int, *, kind: str, title: str, back_url: str, show: Show,
                    finish: Finish) -> HttpResponse:
    job = UploadJob.objects.filter(pk=job_id, kind=kind).first()  # another page's job is not this page's
    if job is None:
        raise Http404
    if job.requested_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied
    if job.status != UploadJobStatus.DONE:
        return _progress_page(model_admin, request, job, title, back_url)
    report = report_from_json(job.report)
    if not report.ok:
        model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."), messages.ERROR)
        return show(report, None, job)
    if job.phase == CHECK:
        return show(report, job.token, job)
    if acknowledge(job):
        return finish(report, job)
    return HttpResponse(status=302, headers={"Location": back_url})


def _progress_page(model_admin, request, job: UploadJob, title: str, back_url: str) -> TemplateResponse:
    running = job.status in (UploadJobStatus.QUEUED, UploadJobStatus.RUNNING)
    if running and timezone.now() - job.created_at > timedelta(seconds=TIMEOUT_SECONDS):
        running, text = False, _("The import did not finish: the background worker stopped. Nothing was written; "
                                 "upload the file again.")
    elif job.status == UploadJobStatus.QUEUED:
        text = (_("Still waiting for a background worker. If this does not change, ask the administrator to "
                  "check that the task worker (qcluster) is running.")
                if timezone.now() - job.created_at > WAITING_HINT_AFTER else _("Waiting for a background worker…"))
    elif running:
        text = _("Rows checked: %(checked)s. Rows written: %(written)s.") % {
            "checked": f"{job.checked:,}", "written": f"{job.written:,}"}
    else:
        text = _("Nothing was imported.")
    return TemplateResponse(request, TEMPLATE, {
        **model_admin.admin_site.each_context(request), "opts": model_admin.model._meta, "title": title,
        "job": job, "running": running, "text": text, "back_url": back_url})
