"""The shop key (one shop, one account), filled for existing accounts; 0006 makes it UNIQUE.

Existing duplicates stop the migration with the accounts named (merge or delete the extra ones, then migrate
again) instead of an IntegrityError when the constraint is added. Two migrations, so that on PostgreSQL the
rows are written and the constraint added in separate transactions.
"""

from django.db import migrations, models

from accounts.shop_keys import duplicate_shops_report, shop_key


def refuse_duplicates(rows) -> None:
    """Stop with a report when several of the (pk, name, shop_url) rows are one shop."""
    report = duplicate_shops_report(rows)
    if report:
        raise RuntimeError(
            "Several EC accounts belong to the same shop, and one shop may have only one account (each would "
            "import every order again). Merge or delete the extra accounts, then run migrate again:\n" + report
        )


def fill_shop_keys(apps, schema_editor):
    EcAccount = apps.get_model("accounts", "EcAccount")
    accounts = list(EcAccount.objects.order_by("pk").only("pk", "name", "shop_url"))
    refuse_duplicates([(account.pk, account.name, account.shop_url) for account in accounts])
    for account in accounts:
        account.shop_key = shop_key(account.shop_url)
    EcAccount.objects.bulk_update(accounts, ["shop_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_fast_order_poll'),
    ]

    operations = [
        migrations.AddField(
            model_name='ecaccount',
            name='shop_key',
            field=models.CharField(editable=False, max_length=255, null=True, verbose_name='shop key'),
        ),
        migrations.RunPython(fill_shop_keys, migrations.RunPython.noop),
    ]
