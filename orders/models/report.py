"""Files a worker makes for staff: delivery slips and order exports too large for one web request.

The file holds buyers' names and addresses, so it lives in a private folder under VAR_DIR (never under
STATIC_ROOT or a MEDIA_URL), is handed out only by the download view to the person who asked for it
(or to someone with the permission to fetch anyone's), and is deleted a day after it was made.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEEP_FOR = timedelta(days=1)
REPORT_FOLDER = "reports"


class PrivateReportStorage(FileSystemStorage):
    """VAR_DIR/reports, read from the settings at each use (tests and deployments move VAR_DIR)."""

    @property
    def base_location(self):
        return Path(settings.VAR_DIR) / REPORT_FOLDER

    @property
    def location(self):
        return str(self.base_location.resolve())

    @property
    def base_url(self):
        return None  # never served as a URL: only the download view reads these files


def report_storage() -> PrivateReportStorage:
    """A callable, so that the migration names this function rather than a storage's arguments."""
    return PrivateReportStorage(file_permissions_mode=0o600, directory_permissions_mode=0o700)


class ReportKind(models.TextChoices):
    SLIPS = "slips", _("Delivery slips (PDF)")
    EXPORT = "export", _("Order export")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("In progress")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def _expiry():
    return timezone.now() + KEEP_FOR


class ReportJob(models.Model):
    """One requested file: what to make (kind, params), how far the worker got, and the file once made.

    ``params`` holds the order ids in print/export order and, for exports, the format key; ids rather than
    a query, so the file shows the orders the person selected even if the list changes meanwhile.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    params = models.JSONField(_("parameters"), default=dict)
    language = models.CharField(_("language"), max_length=10, default="ja")
    done = models.PositiveIntegerField(_("done so far"), default=0)
    total = models.PositiveIntegerField(_("to do in all"), default=0)
    file = models.FileField(_("file"), storage=report_storage, upload_to="%Y%m%d", max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), default=_expiry, db_index=True)

    class Meta:
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        ordering = ["-created_at"]
        permissions = [("download_any_reportjob", _("Can download files other staff asked for"))]

    def __str__(self) -> str:
        return self.filename or f"{self.get_kind_display()} #{self.pk}"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total)) if self.total else 0
