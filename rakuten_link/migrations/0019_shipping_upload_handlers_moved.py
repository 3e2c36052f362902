"""The shipping desk's admin pages moved under rakuten_link.shipping.admin: stored upload jobs name the new paths.

An upload job keeps the dotted path of its import function (``UploadJob.handler``) and a worker resolves it
when the job runs, so a job queued before the move must name where the function lives now.
"""

from django.db import migrations

MOVED = (("rakuten_link.admin.order_bulk.", "rakuten_link.shipping.admin.order_bulk."),
         ("rakuten_link.admin.labels.", "rakuten_link.shipping.admin.labels."))


def _rename(apps, pairs):
    upload_job = apps.get_model("inventory", "UploadJob")
    for old, new in pairs:
        for job in upload_job.objects.filter(handler__startswith=old):
            job.handler = new + job.handler[len(old):]
            job.save(update_fields=["handler"])


def forwards(apps, schema_editor):
    _rename(apps, MOVED)


def backwards(apps, schema_editor):
    _rename(apps, [(new, old) for old, new in MOVED])


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0007_stocklevel_updated_at_index'),
        ('rakuten_link', '0018_mapping_updated_at_index'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
