"""The demo definitions load once; Django admin edits attributes through the services."""

from io import StringIO

import pytest

from veche.core.models import AuditEntry
from veche.municipalities.models import Category
from veche.open311 import demo
from veche.open311.models import ServiceAttribute

pytestmark = pytest.mark.django_db


def test_demo_definitions_load_once(municipality):
    Category.objects.create(
        municipality=municipality,
        department=municipality.departments.first(),
        slug="street-light",
        name="Фонарь",
    )
    demo.load(StringIO())
    assert set(ServiceAttribute.objects.values_list("category__slug", "code")) == {
        ("pothole", "depth"),
        ("pothole", "location_type"),
        ("street-light", "problem"),
        ("street-light", "pole_number"),
    }
    out = StringIO()
    demo.load(out)
    assert ServiceAttribute.objects.count() == 4
    assert "already loaded" in out.getvalue()


def test_admin_lists_keys_and_saves_attributes_through_the_services(client_for, platform_admin, lights, key):
    client = client_for(platform_admin)
    assert client.get("/admin/open311/apikey/").status_code == 200
    assert client.get("/admin/open311/apikey/add/").status_code == 403
    response = client.post(
        "/admin/open311/serviceattribute/add/",
        {
            "category": lights.pk,
            "code": "colour",
            "variable": "on",
            "datatype": "string",
            "order": 1,
            "description": "Colour",
            "values": "[]",
            "datatype_description": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ServiceAttribute.objects.get().code == "colour"
    assert AuditEntry.objects.filter(action="open311.attribute.create", actor=platform_admin).exists()
    response = client.post(
        "/admin/open311/serviceattribute/add/",
        {
            "category": lights.pk,
            "code": "kind",
            "variable": "on",
            "datatype": "singlevaluelist",
            "order": 2,
            "description": "Kind",
            "values": "[]",
        },
    )
    assert response.status_code == 200  # a list needs values: the form says so, nothing is saved
    assert ServiceAttribute.objects.count() == 1
