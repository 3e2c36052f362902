from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from orders import receivers  # noqa: F401  (answers inventory.signals.allocation_exceeds_count)
