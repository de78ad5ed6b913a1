"""The municipal admin sets up reports on the staff pages: answer templates and routing by district."""

import pytest

from veche.core.models import AuditEntry
from veche.municipalities.models import Department
from veche.reports import services
from veche.reports.models import AnswerTemplate, RoutingRule


@pytest.mark.django_db
def test_admin_adds_an_answer_template(client_for, municipal_admin, municipality, lights):
    admin = client_for(municipal_admin)
    response = admin.post(
        "/m/testgrad/staff/answer-templates/new/",
        {"title": "Lamp replaced", "category": lights.pk, "body": "We replaced the lamp."},
    )
    assert response.status_code == 302
    template = AnswerTemplate.objects.get()
    assert (template.municipality, template.category) == (municipality, lights)
    assert AuditEntry.objects.filter(action="answer_template.create").count() == 1
    assert "Lamp replaced" in admin.get("/m/testgrad/staff/answer-templates/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["moderator", "official", "resident"])
def test_only_admins_manage_answer_templates(client_for, request, municipality, lights, who):
    response = client_for(request.getfixturevalue(who)).post(
        "/m/testgrad/staff/answer-templates/new/", {"title": "x", "category": lights.pk, "body": "y"}
    )
    assert response.status_code in (302, 404)
    assert response.status_code == 404 or "/accounts/login/" in response["Location"]
    assert not AnswerTemplate.objects.exists()


@pytest.mark.django_db
def test_routing_rule_sends_a_district_to_another_department(
    client_for, municipal_admin, municipality, lights, submit, resident, moderator
):
    parks = Department.objects.create(municipality=municipality, name="Парки", name_en="Parks")
    north = municipality.districts.get(slug="d2")
    response = client_for(municipal_admin).post(
        "/m/testgrad/staff/routing/new/",
        {"category": lights.pk, "district": north.pk, "department": parks.pk},
    )
    assert response.status_code == 302
    assert RoutingRule.objects.get().municipality == municipality
    routed_north = services.report_moderate(moderator=moderator, report=submit(resident, district=north))
    routed_elsewhere = services.report_moderate(moderator=moderator, report=submit(resident))
    assert routed_north.department == parks
    assert routed_elsewhere.department == lights.department


@pytest.mark.django_db
def test_routing_rule_refuses_another_municipalitys_department(
    client_for, municipal_admin, municipality, other_municipality, lights
):
    foreign = other_municipality.departments.get()
    response = client_for(municipal_admin).post(
        "/m/testgrad/staff/routing/new/",
        {"category": lights.pk, "district": municipality.districts.first().pk, "department": foreign.pk},
    )
    assert response.status_code == 400
    assert not RoutingRule.objects.exists()
