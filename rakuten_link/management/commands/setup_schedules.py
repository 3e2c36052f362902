"""Install or update the Django-Q2 schedules declared in rakuten_link/schedules.py (idempotent)."""

from django.core.management.base import BaseCommand

from rakuten_link.schedules import install_schedules
from rakuten_link.sync.jobs import available_jobs


class Command(BaseCommand):
    help = "Install or update the periodic Rakuten jobs (safe to run on every deploy)."

    def handle(self, *args, **options):
        for name, created in install_schedules(available_jobs()):
            self.stdout.write(f"{'created' if created else 'updated'}: {name}")
