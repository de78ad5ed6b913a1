"""`veche demo` loads ten municipalities with people and activity, and adds nothing the second time."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from veche.accounts.models import User, Verification
from veche.municipalities.models import Municipality
from veche.reports.models import Report


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_demo_loads_once():
    call_command("demo", stdout=StringIO())

    assert Municipality.objects.count() == 10
    moscow = Municipality.objects.get(slug="moscow")
    resident1 = User.objects.get(username="resident1")
    assert Verification.objects.filter(user=resident1, municipality=moscow).exists()
    assert authenticate(username="resident1", password="demo-password") == resident1
    assert moscow.categories.exists() and moscow.districts.exists() and moscow.comments.exists()
    # Every demo report names its district, so that the network of interaction has districts to show.
    assert not Report.objects.filter(district=None).exists()
    assert Report.objects.filter(municipality=moscow).values("district").distinct().count() > 1

    before = row_counts()
    out = StringIO()
    call_command("demo", stdout=out)
    assert row_counts() == before
    assert "already loaded" in out.getvalue()
