"""The stock-count and SKU upload pages' side of a big upload: queue the job, show it, finish it.

The pages themselves stay in admin.py; above RAKUTEN_UPLOAD_JOB_THRESHOLD_BYTES they hand the kept file to
a worker (upload_jobs.py) and send the browser to ``import/jobs/<id>/``, served by the views below.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lib.uploads import PreviewStore

from .forms import CsvUploadForm
from .imports import import_stock_counts
from .sku_imports import import_skus_csv
from .upload_job_views import upload_job_view
from .upload_jobs import start_upload_job

STOCK_UPLOADS = PreviewStore("stock")
SKU_UPLOADS = PreviewStore("skus")


def start(request, uploads: PreviewStore, *, phase: str, token: str, handler: str, url: str,
          account_id: int | None = None):
    """Queue the job for a kept file and send the browser to its page (``url``, reversed with the job's id).

    ``account_id``: the EC account an account-bound page kept the file under; the stock and SKU pages keep
    theirs under the uploader.
    """
    job = start_upload_job(kind=uploads.prefix, handler=handler, phase=phase, token=token, user=request.user,
                           account_id=request.user.pk if account_id is None else account_id)
    return redirect(url, job_id=job.pk)


def stock_counts_for_job(stream, *, account_id: int, user, dry_run: bool):
    return import_stock_counts(stream, user=user, dry_run=dry_run)


def skus_for_job(stream, *, account_id: int, user, dry_run: bool):
    return import_skus_csv(stream, dry_run=dry_run)


def stock_job_view(model_admin, request, job_id: int, *, render, finish):
    return upload_job_view(model_admin, request, job_id, kind=STOCK_UPLOADS.prefix,
                           title=_("Import stock counts (CSV)"),
                           back_url=reverse("admin:inventory_stocklevel_import"),
                           show=lambda report, token, _job: render(request, CsvUploadForm(), report, token),
                           finish=lambda report, _job: finish(request, report))


def sku_job_view(model_admin, request, job_id: int):
    if not model_admin.may_import(request):  # permissions first, before any job is looked up
        raise PermissionDenied
    return upload_job_view(model_admin, request, job_id, kind=SKU_UPLOADS.prefix, title=_("Import SKUs (CSV)"),
                           back_url=reverse("admin:inventory_sku_import"),
                           show=lambda report, token, _job: model_admin._import_page(request, CsvUploadForm(),
                                                                                     report, token),
                           finish=lambda report, _job: model_admin._finish_import(request, report))
