"""Idempotency records left "in progress" by the code before issue 15 answered 409 to every retry for
ever; the key's record now commits only together with its answer, so none can be left unfinished.
Those already stored are removed, so that a retry with their key runs afresh."""

from django.db import migrations


def drop_unfinished(apps, schema_editor):
    apps.get_model("core", "IdempotencyRecord").objects.filter(completed=False).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [migrations.RunPython(drop_unfinished, migrations.RunPython.noop)]
