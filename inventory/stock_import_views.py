"""The stock-count (stocktake) CSV page: upload → preview (nothing written) → confirm, like the other uploads.

The preview shows each row's count beside the one on record and how many would change, so a file of the
wrong store or an old export is caught before it moves any stock. The flow itself (confirm checks the very bytes
previewed again; big files go to a worker) is the SKU page's, preview_flow.py.
"""

from __future__ import annotations

from functools import partial

from django.shortcuts import redirect
from django.utils.translation import gettext as _

from lib.adminviews import render_admin_form
from lib.audit import record_action
from lib.exports import download

from .imports import STOCK_TEMPLATE_ROWS, import_stock_counts
from .models import StockLevel
from .preview_flow import PreviewFlow, upload_or_confirm
from .upload_pages import STOCK_UPLOADS

STOCK_FLOW = PreviewFlow(STOCK_UPLOADS, handler="inventory.upload_pages.stock_counts_for_job",
                         job_url="admin:inventory_stocklevel_import_job", page_url="admin:inventory_stocklevel_import",
                         check=lambda data: import_stock_counts(data, dry_run=True),
                         write=lambda stream, user: import_stock_counts(stream, user=user))


def import_view(model_admin, request):
    return upload_or_confirm(STOCK_FLOW, model_admin, request, render=partial(page, model_admin),
                             finish=partial(finish, model_admin))


def finish(model_admin, request, report):
    counts = {"n": report.updated, "u": report.unchanged}
    record_action(request.user, None, _("Imported the stock count CSV: %(n)d changed, "
                                        "%(u)d unchanged.") % counts, model=StockLevel)
    model_admin.message_user(request, _("Stock counts imported: %(n)d changed, %(u)d unchanged.") % counts)
    return redirect("admin:inventory_stocklevel_changelist")


def page(model_admin, request, form, report, token):
    """The upload page; an error report goes to its error list, a good one to the preview and its confirm button."""
    return render_admin_form(request, model_admin, title=_("Import stock counts (CSV)"), form=form,
                             template="admin/inventory/stocklevel/import.html",
                             extra={"report": report, "preview_token": token})


def template_view(_model_admin, _request):
    return download(STOCK_TEMPLATE_ROWS, filename="stock_counts_template", fmt="csv")
