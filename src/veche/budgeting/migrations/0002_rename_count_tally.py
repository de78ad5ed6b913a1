"""The stored result of a count is a Tally (a `Count` was easily taken for Django's aggregate)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("budgeting", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(old_name="Count", new_name="Tally"),
        migrations.AlterModelOptions(
            name="tally",
            options={
                "ordering": ["-counted_at", "-id"],
                "verbose_name": "tally",
                "verbose_name_plural": "tallies",
            },
        ),
        migrations.AlterField(
            model_name="tally",
            name="budget",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="tallies", to="budgeting.budget"
            ),
        ),
        migrations.AlterField(
            model_name="tally",
            name="process",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="tallies", to="budgeting.process"
            ),
        ),
    ]
