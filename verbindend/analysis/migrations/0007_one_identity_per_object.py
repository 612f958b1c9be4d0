"""One identity per exchanged code, coding and memo: its ``uuid`` is unique within its study, so
an imported GUID is kept as the object's own. A GUID an earlier import had to remember beside
the object (because another study used it) becomes the object's ``uuid``, and that row goes."""

import uuid

from django.conf import settings
from django.db import migrations, models

MODELS = {"code": "Code", "coding": "Coding", "memo": "Memo"}


def fold_remembered_guids(apps, schema_editor):
    ExchangeId = apps.get_model("analysis", "ExchangeId")
    for kind, name in MODELS.items():
        model = apps.get_model("analysis", name)
        rows = ExchangeId.objects.filter(kind=kind, study__isnull=False)
        for row in rows.iterator():
            if not row.local_key.isdigit():
                continue
            pk = int(row.local_key)
            clash = model.objects.filter(study_id=row.study_id, uuid=row.guid).exclude(pk=pk)
            if clash.exists():
                continue  # keep the row: the file's GUID stands for another object here
            if model.objects.filter(pk=pk, study_id=row.study_id).update(uuid=row.guid):
                row.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0006_saved_query"),
        ("studies", "0004_import_item_url"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="code",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="coding",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.AlterField(
            model_name="memo",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False),
        ),
        migrations.RunPython(fold_remembered_guids, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="code",
            constraint=models.UniqueConstraint(
                fields=("study", "uuid"), name="unique_code_uuid_in_study"
            ),
        ),
        migrations.AddConstraint(
            model_name="coding",
            constraint=models.UniqueConstraint(
                fields=("study", "uuid"), name="unique_coding_uuid_in_study"
            ),
        ),
        migrations.AddConstraint(
            model_name="memo",
            constraint=models.UniqueConstraint(
                fields=("study", "uuid"), name="unique_memo_uuid_in_study"
            ),
        ),
    ]
