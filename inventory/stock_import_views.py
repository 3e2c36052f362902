"""The stock-count (stocktake) CSV page: upload → preview (nothing written) → confirm, like the other uploads.

The preview shows each row's count beside the one on record and how many would change, so a file of the
wrong store or an old export is caught before it moves any stock. Confirming checks the very bytes previewed
again and writes them in one transaction (all rows or none). Above the upload threshold both steps run in a
worker (upload_pages.py), the page following its progress.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lib.adminviews import render_admin_form
from lib.audit import record_action
from lib.csvfile import CsvFormatError
from lib.exports import download

from .forms import CsvUploadForm
from .imports import STOCK_TEMPLATE_ROWS, import_stock_counts
from .models import StockLevel
from .upload_jobs import CHECK, WRITE, is_big, is_big_upload
from .upload_pages import STOCK_UPLOADS, start

HANDLER, JOB_URL, PAGE_URL = ("inventory.upload_pages.stock_counts_for_job", "admin:inventory_stocklevel_import_job",
                              "admin:inventory_stocklevel_import")


def import_view(model_admin, request):
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    report = token = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        try:
            if is_big_upload(data):  # checked by a worker: the page follows its progress
                return start(request, STOCK_UPLOADS, phase=CHECK, token=STOCK_UPLOADS.keep(data, request.user.pk),
                             handler=HANDLER, url=JOB_URL)
            report = import_stock_counts(data, dry_run=True)
        except CsvFormatError as exc:
            form.add_error("file", str(exc))
        else:
            if report.ok:
                token = STOCK_UPLOADS.keep(data, request.user.pk)
            else:
                model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."),
                                         messages.ERROR)
    return page(request, model_admin, form, report, token)


def _confirm(model_admin, request):
    token = request.POST.get("preview_token", "")
    with STOCK_UPLOADS.open(token) as (owner, stream):
        if stream is None or owner != request.user.pk:
            model_admin.message_user(request, _("The preview has expired; upload the file again."), messages.ERROR)
            return redirect(PAGE_URL)
        if is_big(STOCK_UPLOADS.size(token)):
            return start(request, STOCK_UPLOADS, phase=WRITE, token=token, handler=HANDLER, url=JOB_URL)
        report = import_stock_counts(stream, user=request.user)
    if not report.ok:  # a SKU or store deleted since the preview
        model_admin.message_user(request, _("Nothing was imported: fix the rows listed below."), messages.ERROR)
        return page(request, model_admin, CsvUploadForm(), report, None)
    STOCK_UPLOADS.drop(token)
    return finish(request, model_admin, report)


def finish(request, model_admin, report):
    counts = {"n": report.updated, "u": report.unchanged}
    record_action(request.user, None, _("Imported the stock count CSV: %(n)d changed, "
                                        "%(u)d unchanged.") % counts, model=StockLevel)
    model_admin.message_user(request, _("Stock counts imported: %(n)d changed, %(u)d unchanged.") % counts)
    return redirect("admin:inventory_stocklevel_changelist")


def page(request, model_admin, form, report, token):
    """The upload page; an error report goes to its error list, a good one to the preview and its confirm button."""
    return render_admin_form(request, model_admin, title=_("Import stock counts (CSV)"), form=form,
                             template="admin/inventory/stocklevel/import.html",
                             extra={"report": report, "preview_token": token})


def template_view(_model_admin, _request):
    return download(STOCK_TEMPLATE_ROWS, filename="stock_counts_template", fmt="csv")
