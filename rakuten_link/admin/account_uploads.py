"""The big-upload job page of the CSV pages bound to an EC account (product mappings, tracking numbers).

Both pages keep the file under the account chosen on the form; the job's page shows the worker's report
with that account, and a confirmed import ends as the page's own does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse

from accounts.models import EcAccount
from inventory.models import UploadJob
from inventory.upload_job_views import upload_job_view
from lib.csvfile import ImportReport
from lib.uploads import PreviewStore


def account_upload_job_view(model_admin: Any, request: Any, job_id: int, *, uploads: PreviewStore, title: str,
                            back_url: str, form: Callable[[], Any], render: Callable[..., HttpResponse],
                            finish: Callable[..., HttpResponse]) -> HttpResponse:
    """``render(model_admin, request, form, context)`` and ``finish(model_admin, request, account, report)``
    are the page's own: the report reads the same on the job's page as on the page itself."""

    def account_of(job: UploadJob) -> EcAccount | None:
        return EcAccount.objects.filter(pk=job.account_id).first()

    def show(report: ImportReport, token: str | None, job: UploadJob) -> HttpResponse:
        return render(model_admin, request, form(),
                      {"report": report, "preview_token": token, "account": account_of(job)})

    def finished(report: ImportReport, job: UploadJob) -> HttpResponse:
        return finish(model_admin, request, account_of(job), report)

    return upload_job_view(model_admin, request, job_id, kind=uploads.prefix, title=title, back_url=back_url,
                           show=show, finish=finished)
