"""Every study plans the method's research steps from its creation on: studies made before
(by an import or by hand) get the rows their overview used to make when it was first opened."""

from django.db import migrations


def plan_steps(apps, schema_editor):
    from verbindend.method import content

    Study = apps.get_model("studies", "Study")
    StepPlan = apps.get_model("studies", "StepPlan")
    steps = content.of_kind("research_step")
    for study in Study.objects.all().iterator():
        have = set(StepPlan.objects.filter(study=study).values_list("step_key", flat=True))
        StepPlan.objects.bulk_create(
            [
                StepPlan(study=study, step_key=node.key, order=node.order or 0)
                for node in steps
                if node.key not in have
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [("studies", "0004_import_item_url")]

    operations = [migrations.RunPython(plan_steps, migrations.RunPython.noop)]
