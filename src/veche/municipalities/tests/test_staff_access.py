"""Only the municipality's admins (and platform admins) reach its set-up pages; others get 404."""

import pytest
from django.conf import settings
from django.test import override_settings

from veche.core.models import AuditEntry
from veche.municipalities.models import District, Membership

KINDS = ["districts", "departments", "categories", "calendar", "staff"]


def urls(municipality, kind):
    model_pk = {
        "districts": municipality.districts.first().pk,
        "departments": municipality.departments.first().pk,
        "categories": municipality.categories.first().pk,
        "calendar": municipality.calendar_days.create(date="2025-03-10", name="Перенос").pk,
        "staff": Membership.objects.filter(municipality=municipality).first().pk,
    }[kind]
    prefix = f"/m/{municipality.slug}/staff/{kind}/"
    return prefix, model_pk


@pytest.fixture
def outsiders(make_user, municipality, other_municipality, moderator, official, resident):
    return {
        "moderator": moderator,
        "official": official,
        "resident": resident,
        "other-admin": make_user("otheradmin", role="admin", municipality=other_municipality),
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["moderator", "official", "resident", "other-admin"])
def test_others_get_404(kind, who, outsiders, client_for, municipality, municipal_admin):
    client = client_for(outsiders[who])
    prefix, pk = urls(municipality, kind)
    assert client.get(prefix).status_code == 404
    assert client.get(prefix + "new/").status_code == 404
    assert client.post(prefix + "new/", {"name": "Взлом", "slug": "hack", "username": who}).status_code == 404
    assert client.post(f"{prefix}{pk}/delete/").status_code == 404
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_the_admin_reaches_every_page(kind, client_for, municipality, municipal_admin):
    client = client_for(municipal_admin)
    prefix, pk = urls(municipality, kind)
    assert client.get(prefix).status_code == 200
    assert client.get(prefix + "new/").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, municipality):
    response = client.get("/m/testgrad/staff/districts/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_admin_cannot_reach_rows_of_another_municipality(client_for, municipal_admin, other_municipality):
    foreign = other_municipality.districts.first()
    client = client_for(municipal_admin)
    assert client.get(f"/m/testgrad/staff/districts/{foreign.pk}/").status_code == 404
    assert client.post(f"/m/testgrad/staff/districts/{foreign.pk}/delete/").status_code == 404
    assert District.objects.filter(pk=foreign.pk).exists()


def test_an_unknown_kind_is_404(client_for, municipal_admin):
    assert client_for(municipal_admin).get("/m/testgrad/staff/wizards/").status_code == 404


def test_a_platform_admin_can_use_them(client_for, platform_admin, municipality):
    client = client_for(platform_admin)
    assert client.get("/m/testgrad/staff/districts/").status_code == 200
    response = client.post("/m/testgrad/staff/districts/new/", {"name_ru": "Южный", "slug": "d3"})
    assert response.status_code == 302
    district = District.objects.get(municipality=municipality, slug="d3")
    assert AuditEntry.objects.get(action="district.create").actor == platform_admin
    assert client.post(f"/m/testgrad/staff/districts/{district.pk}/delete/").status_code == 302
    assert not District.objects.filter(pk=district.pk).exists()


def test_a_save_refused_by_the_rate_limit_answers_429_with_retry_after(
    client_for, municipal_admin, municipality
):
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "write": "0/3600"}):
        response = client_for(municipal_admin).post(
            "/m/testgrad/staff/districts/new/", {"name_ru": "Южный", "slug": "d3"}
        )

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert not District.objects.filter(municipality=municipality, slug="d3").exists()
