from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_ecaccount_shop_key'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ecaccount',
            name='shop_key',
            field=models.CharField(editable=False, max_length=255, null=True, unique=True, verbose_name='shop key'),
        ),
    ]
