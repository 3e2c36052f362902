"""URL configuration: the admin is the whole UI."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Rakuten Link"
admin.site.site_title = "Rakuten Link"
admin.site.index_title = "Rakuten Link"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
