"""System checks run at start-up (`manage.py check`, runserver, qcluster): a broken job registry stops them."""

from __future__ import annotations

from django.core.checks import Error, register

from rakuten_link.sync.jobs import registry_errors


@register()
def check_job_registry(app_configs=None, **kwargs) -> list[Error]:
    return [Error(message, id="rakuten_link.E001") for message in registry_errors()]
