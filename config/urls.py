"""URL configuration: the admin is the whole UI, and its index is the accounts' dashboard."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from api.main import api
from rakuten_link.admin.dashboard import dashboard_index

admin.site.site_header = "Rakuten Link"
admin.site.site_title = "Rakuten Link"
admin.site.index_title = "Rakuten Link"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    # Before admin.site.urls, so it serves /admin/ itself; admin_view logs staff in as for any admin page.
    path("admin/", admin.site.admin_view(dashboard_index), name="dashboard"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
