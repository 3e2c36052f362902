"""manage.py create_api_token NAME --scopes stock:write,orders:read [--store CODE] [--days N]: prints the token once."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from api.tokens import create_token
from inventory.models import Store


class Command(BaseCommand):
    help = "Make an API token for an integration (a till, a warehouse) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scopes", required=True, help="stock:read,stock:write,orders:read,shipments:write")
        parser.add_argument("--store", help="store code: the token may touch only this store")
        parser.add_argument("--days", type=int, help="expires after this many days (default: never)")
        parser.add_argument("--replace", action="store_true",
                            help="delete a token of the same name first (the demo makes a fresh one each run)")

    def handle(self, *args, name, scopes, store=None, days=None, replace=False, **options):
        bound = None
        if store:
            bound = Store.objects.filter(code=store).first()
            if bound is None:
                raise CommandError(_("No store has the code %(store)s.") % {"store": store})
        expires = timezone.now() + timedelta(days=days) if days else None
        if replace:
            ApiToken.objects.filter(name=name).delete()
        try:
            _token, secret = create_token(name=name, scopes=scopes, store=bound, expires_at=expires)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(_("Token %(name)s made. It is shown only now: keep it.") % {"name": name})
        self.stdout.write(secret)
