# The per-account, per-event MailTemplate is replaced by named templates shared by the accounts
# (each account picks one per event) and the buyer-message outbox. Old templates are dropped: the
# demo data creates shared ones, and no message was ever sent from the old rows.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0007_shipment_async_request'),
    ]

    operations = [
        migrations.DeleteModel(name='MailTemplate'),
        migrations.CreateModel(
            name='MailTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='template name')),
                ('subject', models.CharField(max_length=255, verbose_name='subject')),
                ('body', models.TextField(verbose_name='body')),
            ],
            options={
                'verbose_name': 'mail template',
                'verbose_name_plural': 'mail templates',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='BuyerMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(choices=[('new_order', 'Order received'), ('shipped', 'Shipped'), ('cancelled', 'Cancelled'), ('follow_up', 'Follow-up')], max_length=20, verbose_name='event')),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('held', 'Held for approval'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('unknown', 'Send result unknown')], db_index=True, default='queued', max_length=10, verbose_name='status')),
                ('subject', models.CharField(max_length=255, verbose_name='subject')),
                ('body', models.TextField(verbose_name='body')),
                ('recipient', models.CharField(max_length=255, verbose_name='recipient (masked)')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('last_error', models.TextField(blank=True, verbose_name='last error')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='buyer_messages', to='orders.order', verbose_name='order')),
            ],
            options={
                'verbose_name': 'buyer message',
                'verbose_name_plural': 'buyer messages',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('order', 'event'), name='buyermessage_one_per_event')],
            },
        ),
    ]
