"""manage.py revoke_api_token NAME: the token is refused from the next request on (as the admin's action does)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from api.models import ApiToken
from api.tokens import revoke


class Command(BaseCommand):
    help = "Revoke an API token."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        token = ApiToken.objects.filter(name=name).first()
        if token is None:
            raise CommandError(_("No token is named %(name)s.") % {"name": name})
        if not revoke([token]):
            self.stdout.write(_("Token %(name)s was already revoked.") % {"name": name})
            return
        self.stdout.write(_("Token %(name)s revoked.") % {"name": name})
