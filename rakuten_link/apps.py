from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RakutenLinkConfig(AppConfig):
    name = "rakuten_link"
    verbose_name = _("Rakuten integration")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects to inventory.signals.stock_changed)
