from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("EC accounts")

    def ready(self) -> None:
        """Register accounts.E001: stored secrets must decrypt with the key in force."""
        from django.core import checks

        from .checks import unreadable_secrets_check

        checks.register(unreadable_secrets_check)
