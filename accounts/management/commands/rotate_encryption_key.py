"""`manage.py rotate_encryption_key --old-key KEY`: re-encrypt stored secrets with the current key.

Runs without the system checks on purpose: accounts.E001 fails exactly when this command is needed.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

from accounts.rotation import InvalidOldKey, configured_keys, rotate_secrets

OLD_KEY_ENV = "OLD_FIELD_ENCRYPTION_KEY"


class Command(BaseCommand):
    help = (
        "Decrypt every stored secret (serviceSecret, licenseKey, SMTP password) with the old key and encrypt it "
        "again with the current FIELD_ENCRYPTION_KEY. Idempotent; prints counts, never values."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--old-key", default="",
            help=f"the previous key (several: comma-separated); default: the {OLD_KEY_ENV} environment variable. "
                 "Prefer the environment variable: a command line is visible to other users of the machine.",
        )
        parser.add_argument("--dry-run", action="store_true", help="count only; write nothing")

    def handle(self, *args, **options):
        raw = options["old_key"] or os.environ.get(OLD_KEY_ENV, "")
        keys = [key for key in raw.split(",") if key.strip()]
        if not keys and len(configured_keys()) < 2:
            raise CommandError(f"give the previous key with --old-key or the {OLD_KEY_ENV} environment variable")
        try:
            report = rotate_secrets(keys, dry_run=options["dry_run"])
        except InvalidOldKey as exc:
            raise CommandError(str(exc)) from None
        prefix = "dry run, nothing written: " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}re-encrypted {report.rotated} secret(s) of {len(report.rotated_accounts)} account(s) with "
            f"the current key; {report.already_current} already used it"
        )
        if report.unreadable:
            names = "; ".join(f"{name} ({', '.join(fields)})" for name, fields in sorted(report.unreadable.items()))
            raise CommandError(
                f"{report.unreadable_count} secret(s) could be decrypted with neither key: {names}. "
                "Find the key they were encrypted with, or type those credentials again on the account page.",
                returncode=1,
            )
