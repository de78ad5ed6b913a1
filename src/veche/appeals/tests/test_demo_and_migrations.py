"""The demo's appeals (every state, loaded once) and models that agree with their migrations."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from veche.appeals import demo
from veche.appeals.models import Appeal, Status
from veche.municipalities import demo as municipalities_demo
from veche.municipalities.models import Municipality
from veche.notifications.models import Notification


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_the_demo_shows_every_state_and_loads_once():
    # The cities and people this demo builds on, then the appeals (the full `veche demo` is core's test).
    municipalities_demo.load(StringIO())
    demo.load(StringIO())

    for municipality in Municipality.objects.all():
        appeals = Appeal.objects.filter(municipality=municipality)
        assert set(appeals.values_list("status", flat=True)) == {
            Status.ANSWERED,
            Status.THRESHOLD_REACHED,
            Status.PUBLISHED,
        }, municipality.slug
        # One awaits its answer in time, one is past its day and was escalated by the demo's tick.
        awaiting = appeals.filter(status=Status.THRESHOLD_REACHED)
        assert [a.escalated_at is not None for a in awaiting.order_by("created_at")] == [True, False]
        assert [a.is_overdue(timezone.localdate()) for a in awaiting.order_by("created_at")] == [True, False]
        answered = appeals.get(status=Status.ANSWERED)
        assert answered.answer and answered.answered_at > answered.threshold_reached_at > answered.created_at
        assert answered.endorsements_count >= answered.threshold
    assert Notification.objects.filter(kind="appeal.overdue").exists()
    before = row_counts()
    out = StringIO()
    demo.load(out)
    assert row_counts() == before
    assert "appeals already loaded" in out.getvalue()


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    call_command("makemigrations", "appeals", "--check", "--dry-run", stdout=StringIO())
