"""The audit log is append-only: the ORM refuses changes, and so does the database itself."""

import pytest
from django.db import DatabaseError, connection, transaction

from veche.core.audit import audit_record
from veche.core.models import AuditEntry


@pytest.fixture
def entry(municipality, municipal_admin):
    return audit_record(
        actor=municipal_admin, municipality=municipality, target=municipality, action="test.action"
    )


def test_audit_record_describes_actor_and_target(entry, municipality, municipal_admin):
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == municipal_admin
    assert stored.target_type == "municipalities.municipality"
    assert stored.target_id == str(municipality.pk)
    assert stored.target_repr == "Тестоград"


def test_the_orm_refuses_to_change_an_entry(entry):
    entry.action = "rewritten"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


def test_the_orm_refuses_to_delete_an_entry(entry):
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_raw_sql_update_fails_in_the_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = %s WHERE id = %s", ["rewritten", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


def test_raw_sql_delete_fails_on_postgresql(entry):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no delete trigger: its test databases are reset with DELETE")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
