"""Answers carry their round (results aggregate over one index); rounds count their revisions."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_rounds(apps, schema_editor):  # type: ignore[no-untyped-def]
    Answer = apps.get_model("scan", "Answer")
    Response = apps.get_model("scan", "Response")
    Answer.objects.update(
        round_id=Subquery(Response.objects.filter(pk=OuterRef("response_id")).values("round_id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("scan", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="revision",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="answer",
            name="round",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="scan.round",
            ),
        ),
        migrations.RunPython(fill_rounds, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="answer",
            name="round",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="scan.round",
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=["round", "response", "principle_key", "value"], name="scan_answer_scores"
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(fields=["round", "principle_key", "value"], name="scan_answer_spread"),
        ),
    ]
