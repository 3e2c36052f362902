"""Install or update the Django-Q2 schedules declared in rakuten_link/schedules.py (idempotent).

Any other schedule is removed: schedules are declared in code only, and the admin shows them read-only.
"""

from django.core.management.base import BaseCommand

from rakuten_link.schedules import install_schedules, remove_undeclared_schedules
from rakuten_link.sync.jobs import available_jobs


class Command(BaseCommand):
    help = "Install or update the periodic Rakuten jobs and remove any other schedule (safe on every deploy)."

    def handle(self, *args, **options):
        installed = install_schedules(available_jobs())
        for name, created in installed:
            self.stdout.write(f"{'created' if created else 'updated'}: {name}")
        for name in remove_undeclared_schedules(installed):
            self.stdout.write(f"removed: {name}")
