"""The stock list with the Rakuten side added: what Rakuten last received for each SKU, per account.

inventory knows nothing of Rakuten, so its StockLevel admin is replaced here by a subclass (as the account
and order pages are), and the column reads the mappings prefetched for the page in one query.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy

from inventory.admin import StockLevelAdmin
from inventory.models import StockLevel
from rakuten_link.models import ProductMapping

admin.site.unregister(StockLevel)


@admin.register(StockLevel)
class RakutenStockLevelAdmin(StockLevelAdmin):
    list_display = (*StockLevelAdmin.list_display, "rakuten_received")

    def get_queryset(self, request):
        mappings = ProductMapping.objects.select_related("account").order_by("account__name", "manage_number")
        return super().get_queryset(request).prefetch_related(
            Prefetch("sku__rakuten_mappings", queryset=mappings, to_attr="mappings_shown"))

    @admin.display(description=gettext_lazy("last sent to Rakuten"))
    def rakuten_received(self, level: StockLevel) -> str:
        sent = [m for m in getattr(level.sku, "mappings_shown", []) if m.last_pushed_quantity is not None]
        if not sent:
            return "—"
        return format_html_join("<br>", "{}: {}", ((m.account.name, m.last_pushed_quantity) for m in sent))
