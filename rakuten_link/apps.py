from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RakutenLinkConfig(AppConfig):
    name = "rakuten_link"
    verbose_name = _("Rakuten integration")

    def ready(self) -> None:
        # receivers connects to inventory.signals.stock_changed; checks registers the job-registry check.
        from orders import timeline
        from rakuten_link import checks, receivers  # noqa: F401
        from rakuten_link.models import JobKind
        from rakuten_link.rms.codes import carrier_name

        timeline.NAMES.jobs.update(JobKind.choices)  # the order timeline names the job that made a step
        timeline.NAMES.carrier = carrier_name
