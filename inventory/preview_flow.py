"""The flow the stock-count and SKU CSV pages share: upload → preview (nothing written) → confirm.

Confirming checks the very bytes previewed again (kept under the uploader by a PreviewStore) and writes them all
or none; above the upload threshold either step is handed to a worker (upload_pages.start) and the browser
follows its progress page. A page says only what differs: its store, its job, its import and how it shows the
result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lib.csvfile import CsvFormatError
from lib.uploads import PreviewStore

from .forms import CsvUploadForm
from .upload_jobs import CHECK, WRITE, is_big, is_big_upload
from .upload_pages import start


@dataclass(frozen=True)
class PreviewFlow:
    uploads: PreviewStore
    handler: str  # the job's import function, by dotted path (upload_pages.py)
    job_url: str  # the job page's URL name
    page_url: str  # the upload page's URL name
    check: Callable[[Any], Any]  # the upload's dry run: its ImportReport
    write: Callable[[Any, Any], Any]  # (kept stream, user): the import's ImportReport


def upload_or_confirm(flow: PreviewFlow, model_admin, request, *, render: Callable, finish: Callable):
    """The page's view; ``render(request, form, report, token)`` shows it, ``finish(request, report)`` ends it."""
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(flow, model_admin, request, render=render, finish=finish)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    report = token = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        try:
            if is_big_upload(data):  # checked by a worker: the page follows its progress
                return _start(flow, request, CHECK, flow.uploads.keep(data, request.user.pk))
            report = flow.check(data)
        except CsvFormatError as exc:
            form.add_error("file", str(exc))
        else:
            if report.ok:
                token = flow.uploads.keep(data, request.user.pk)
            else:
                model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."),
                                         messages.ERROR)
    return render(request, form, report, token)


def _confirm(flow: PreviewFlow, model_admin, request, *, render: Callable, finish: Callable):
    token = request.POST.get("preview_token", "")
    with flow.uploads.open(token) as (owner, stream):
        if stream is None or owner != request.user.pk:
            model_admin.message_user(request, _("The preview has expired; upload the file again."), messages.ERROR)
            return redirect(flow.page_url)
        if is_big(flow.uploads.size(token)):
            return _start(flow, request, WRITE, token)
        report = flow.write(stream, request.user)
    if not report.ok:  # a SKU or store deleted since the preview: still all rows or none
        model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."), messages.ERROR)
        return render(request, CsvUploadForm(), report, None)
    flow.uploads.drop(token)
    return finish(request, report)


def _start(flow: PreviewFlow, request, phase: str, token: str):
    return start(request, flow.uploads, phase=phase, token=token, handler=flow.handler, url=flow.job_url)
