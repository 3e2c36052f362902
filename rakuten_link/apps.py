from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RakutenLinkConfig(AppConfig):
    name = "rakuten_link"
    verbose_name = _("Rakuten integration")

    def ready(self) -> None:
        # receivers connects to inventory.signals.stock_changed; checks registers the job-registry check.
        from rakuten_link import checks, receivers  # noqa: F401
        from orders.timeline import JOB_LABELS
        from rakuten_link.models import JobKind

        JOB_LABELS.update(JobKind.choices)  # the order timeline names the job that made a step
