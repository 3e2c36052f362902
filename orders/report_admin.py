"""作成ファイル: the list of slip and export files a worker made, so a closed progress page is found again.

Read-only. Each person sees their own files (all of them with ``orders.download_any_reportjob``), as long
as they may view orders: the files are orders. A row opens the file's progress page, which checks the same
and offers the download until the file expires.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from .models import ReportJob
from .report_views import progress_url


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "file_link", "status", "progress", "requested_by", "expires_at")
    list_filter = ("kind", "status")
    list_display_links = None
    actions = None  # nothing to do to a file but open it; the clean-up deletes it

    def get_queryset(self, request):
        jobs = super().get_queryset(request).select_related("requested_by").defer("params")
        if request.user.has_perm("orders.download_any_reportjob"):
            return jobs
        return jobs.filter(requested_by=request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        """Whoever may view orders (the files are orders; this model's own view permission alone is not enough)."""
        return request.user.has_perm("orders.view_order")

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the daily clean-up deletes them

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The row's page is its progress page (which checks who may see it)."""
        job = self.get_object(request, object_id)
        if job is None or not self.has_view_permission(request):
            return super().change_view(request, object_id, form_url, extra_context)
        return HttpResponseRedirect(progress_url(job))

    @admin.display(description=gettext_lazy("file name"))
    def file_link(self, job: ReportJob) -> str:
        return format_html('<a href="{}">{}</a>', progress_url(job), job.filename or "—")

    @admin.display(description=gettext_lazy("done so far"))
    def progress(self, job: ReportJob) -> str:
        return f"{job.done} / {job.total}"
