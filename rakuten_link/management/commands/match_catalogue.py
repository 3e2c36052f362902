"""`manage.py match_catalogue --account NAME [--accept CONFIDENCE] [--user NAME] [--dry-run]`.

Matches the account's pulled Rakuten catalogue to our SKUs and stores the proposals, as the mapping
assistant's "match again" does, then prints the variants per confidence. ``--accept high`` then creates
the mappings of the high-confidence proposals without a conflict, through the page's own writer and audit
entry. The entry names ``--user`` when given, else the command itself (an inactive user
``command:match_catalogue``, as API tokens are named), so a script that runs it is still accountable.
``--dry-run`` stores and creates nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import EcAccount
from lib.actors import machine_user, named_staff_user
from rakuten_link.assistant.accept import accept_pairs, high_pairs
from rakuten_link.assistant.engine import HIGH, LOW, MEDIUM
from rakuten_link.assistant.proposals import refresh_proposals

COMMAND_ACTOR = "command:match_catalogue"


class Command(BaseCommand):
    help = "Propose our SKUs for the account's unmapped Rakuten variants; optionally accept the high-confidence ones."

    def add_arguments(self, parser):
        parser.add_argument("--account", required=True, help="EC account name")
        parser.add_argument("--accept", choices=[HIGH], help="create the mappings of the clean proposals of this "
                                                             "confidence (only high may be accepted in bulk)")
        parser.add_argument("--user", help="the staff member the audit trail names (default: the command itself)")
        parser.add_argument("--dry-run", action="store_true", help="count only; store and create nothing")

    def handle(self, *args, **options):
        try:
            account = EcAccount.objects.get(name=options["account"])
        except EcAccount.DoesNotExist:
            raise CommandError(f"no account named {options['account']!r}") from None
        user = None
        if options["accept"] and not options["dry_run"]:
            user = named_staff_user(options["user"]) if options["user"] else machine_user(COMMAND_ACTOR)
        counts = refresh_proposals(account, dry_run=options["dry_run"])
        prefix = "[dry run] " if options["dry_run"] else ""
        self.stdout.write(f"{prefix}{account.name}: {counts.unmapped} unmapped variants, "
                          f"{counts.without_proposal} without a proposal")
        for level in (HIGH, MEDIUM, LOW):
            self.stdout.write(f"{level}: {counts.clean[level]} (conflicts {counts.conflicts[level]})")
        for reason, n in sorted(counts.reasons.items()):
            self.stdout.write(f"  {reason}: {n}")
        if options["accept"]:
            if options["dry_run"]:
                self.stdout.write(f"{prefix}would accept {counts.clean[HIGH]} high-confidence proposals")
                return
            result = accept_pairs(account, high_pairs(account), user=user, how="match_catalogue --accept high")
            self.stdout.write(f"accepted: {result.created} mappings created, {result.skipped} skipped, "
                              f"{result.lines} waiting order lines matched")

