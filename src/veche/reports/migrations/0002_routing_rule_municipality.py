"""Routing rules name their municipality, like every other set-up object on the staff pages."""

import django.db.models.deletion
from django.db import migrations, models


def fill_municipality(apps, schema_editor):
    RoutingRule = apps.get_model("reports", "RoutingRule")
    for rule in RoutingRule.objects.select_related("category"):
        rule.municipality_id = rule.category.municipality_id
        rule.save(update_fields=["municipality"])


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="routingrule",
            name="municipality",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="routing_rules",
                to="municipalities.municipality",
            ),
        ),
        migrations.RunPython(fill_municipality, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="routingrule",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="routing_rules",
                to="municipalities.municipality",
            ),
        ),
    ]
