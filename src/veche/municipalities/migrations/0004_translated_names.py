"""Names (and a municipality's region, a category's description) in Russian and English columns."""

from typing import Any

from django.db import migrations, models

# What each model had in one language, and moves to its Russian column (name_en is kept as it was).
TRANSLATED = {
    "municipality": ("name", "region"),
    "district": ("name",),
    "department": ("name",),
    "category": ("name", "description"),
}


def to_russian_columns(apps: Any, schema_editor: Any) -> None:
    """The old single-language texts are Russian: copy them to the _ru columns; empty English is NULL."""
    for model_name, fields in TRANSLATED.items():
        rows = apps.get_model("municipalities", model_name).objects.using(schema_editor.connection.alias)
        for field in fields:
            rows.update(**{f"{field}_ru": models.F(field)})
            rows.filter(**{f"{field}_ru": ""}).update(**{f"{field}_ru": None})
        rows.filter(name_en="").update(name_en=None)
    _check_now(schema_editor)


def _check_now(schema_editor: Any) -> None:
    """PostgreSQL checks the foreign keys of the updated rows at commit; the tables cannot be altered
    further in this migration while those checks wait, so run them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def to_single_columns(apps: Any, schema_editor: Any) -> None:
    for model_name, fields in TRANSLATED.items():
        rows = apps.get_model("municipalities", model_name).objects.using(schema_editor.connection.alias)
        for field in fields:
            rows.exclude(**{f"{field}_ru": None}).update(**{field: models.F(f"{field}_ru")})
        rows.filter(name_en=None).update(name_en="")
    _check_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0003_municipality_boundary"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="description_en",
            field=models.TextField(blank=True, max_length=1000, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="category",
            name="description_ru",
            field=models.TextField(blank=True, max_length=1000, null=True, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="category",
            name="name_ru",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="department",
            name="name_ru",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="district",
            name="name_ru",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="municipality",
            name="name_ru",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AddField(
            model_name="municipality",
            name="region_en",
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name="region"),
        ),
        migrations.AddField(
            model_name="municipality",
            name="region_ru",
            field=models.CharField(blank=True, max_length=200, null=True, verbose_name="region"),
        ),
        migrations.AlterField(
            model_name="category",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="department",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="district",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="municipality",
            name="name_en",
            field=models.CharField(max_length=200, null=True, verbose_name="name"),
        ),
        migrations.RunPython(to_russian_columns, to_single_columns),
        migrations.AlterField(
            model_name="category",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="department",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="district",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="municipality",
            name="name",
            field=models.CharField(max_length=200, verbose_name="name"),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(
                fields=("municipality", "name_ru"), name="department_name_unique-ru"
            ),
        ),
        migrations.AddConstraint(
            model_name="department",
            constraint=models.UniqueConstraint(
                fields=("municipality", "name_en"), name="department_name_unique-en"
            ),
        ),
        # Sorted by name in the reader's language by the models' manager (InReaderOrder) instead.
        migrations.AlterModelOptions(
            name="category",
            options={"verbose_name": "category", "verbose_name_plural": "categories"},
        ),
        migrations.AlterModelOptions(
            name="department",
            options={"verbose_name": "department", "verbose_name_plural": "departments"},
        ),
        migrations.AlterModelOptions(
            name="district",
            options={"verbose_name": "district", "verbose_name_plural": "districts"},
        ),
        migrations.AlterModelOptions(
            name="municipality",
            options={"verbose_name": "municipality", "verbose_name_plural": "municipalities"},
        ),
    ]
