"""Bad input on the staff pages gets 400 with the field's error, and changes nothing."""

import json

import pytest
from django.utils import translation

from veche.core.models import AuditEntry
from veche.municipalities.models import Category, Department, District, Membership

EN = {"accept-language": "en"}
DISTRICTS = "/m/testgrad/staff/districts/"
CATEGORIES = "/m/testgrad/staff/categories/"
STAFF = "/m/testgrad/staff/staff/"


@pytest.fixture
def admin_client(client_for, municipal_admin):
    return client_for(municipal_admin)


@pytest.fixture
def unchanged(municipality):
    """Asserts, after the test, that no row of the set-up and no audit entry was added or changed."""

    def snapshot():
        # In one language: modeltranslation reads `name` in the active one (a request may leave English on).
        with translation.override("ru"):
            return [
                list(model.objects.order_by("pk").values())
                for model in (District, Department, Category, Membership, AuditEntry)
            ]

    before = snapshot()
    yield
    assert snapshot() == before


def category_data(municipality, **changes):
    data = {
        "name_ru": "Мусор",
        "name_en": "Rubbish",
        "slug": "rubbish",
        "department": municipality.departments.get(name_ru="Дороги").pk,
        "moderation_days": "1",
        "answer_days": "5",
        "is_active": "on",
    }
    return {**data, **changes}


def field_errors(response, field):
    assert response.status_code == 400
    form = response.context["form"]
    return " ".join(form.errors.get(field, []))


def ring(*points):
    return {"type": "Polygon", "coordinates": [[list(p) for p in points]]}


VALID = ring((37.5, 55.7), (37.6, 55.7), (37.6, 55.8), (37.5, 55.7))
BIG = json.dumps(ring(*[(i % 180, i % 90) for i in range(29_999)], (0, 0)))


@pytest.mark.parametrize(
    "polygon",
    [
        json.dumps(VALID),
        json.dumps({"type": "Feature", "geometry": VALID, "properties": {}}),
        json.dumps({"type": "MultiPolygon", "coordinates": [VALID["coordinates"]]}),
    ],
    ids=["polygon", "feature", "multipolygon"],
)
def test_a_valid_boundary_is_stored(polygon, admin_client, municipality):
    data = {"name_ru": "Южный", "slug": "d3", "polygon": polygon}
    assert admin_client.post(DISTRICTS + "new/", data).status_code == 302
    stored = District.objects.get(municipality=municipality, slug="d3").polygon
    assert stored["type"] in {"Polygon", "MultiPolygon"}


@pytest.mark.parametrize(
    ("polygon", "message"),
    [
        (json.dumps(ring((37.5, 55.7), (37.6, 55.7), (37.6, 55.8), (37.5, 55.9))), "closed rings"),
        (json.dumps(ring((37.5, 55.7), (37.6, 200), (37.6, 55.8), (37.5, 55.7))), "closed rings"),
        ('{"type": "Polygon", "coordinates": [[[37.5, 55.7],', "closed rings"),
        (json.dumps({"type": "Point", "coordinates": [37.5, 55.7]}), "closed rings"),
        (BIG, "too many points"),
    ],
    ids=["unclosed-ring", "latitude-200", "not-json", "point", "30000-points"],
)
def test_an_invalid_boundary_is_refused(polygon, message, admin_client, unchanged):
    response = admin_client.post(
        DISTRICTS + "new/", {"name_ru": "Южный", "slug": "d3", "polygon": polygon}, headers=EN
    )
    assert message in field_errors(response, "polygon")


def test_an_invalid_boundary_does_not_change_a_district(admin_client, municipality, unchanged):
    district = municipality.districts.get(slug="d1")
    data = {"name_ru": "Переименован", "slug": "d1", "polygon": '{"type": "Point"}'}
    response = admin_client.post(f"{DISTRICTS}{district.pk}/", data, headers=EN)
    assert "closed rings" in field_errors(response, "polygon")


def test_a_duplicate_district_slug_is_refused(admin_client, unchanged):
    response = admin_client.post(DISTRICTS + "new/", {"name_ru": "Двойник", "slug": "d1"}, headers=EN)
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].non_field_errors())


def test_a_duplicate_category_slug_is_refused(admin_client, municipality, unchanged):
    response = admin_client.post(CATEGORIES + "new/", category_data(municipality, slug="pothole"), headers=EN)
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].non_field_errors())


def test_the_same_slug_in_another_municipality_is_fine(admin_client, municipality, other_municipality):
    assert other_municipality.categories.filter(slug="rubbish").count() == 0
    other_municipality.categories.create(
        slug="rubbish", name="Мусор", department=other_municipality.departments.first()
    )
    assert admin_client.post(CATEGORIES + "new/", category_data(municipality)).status_code == 302


@pytest.mark.parametrize("answer_days", ["0", "500"])
def test_answer_days_out_of_range_are_refused(answer_days, admin_client, municipality, unchanged):
    response = admin_client.post(
        CATEGORIES + "new/", category_data(municipality, answer_days=answer_days), headers=EN
    )
    assert field_errors(response, "answer_days")


@pytest.mark.parametrize("answer_days", ["1", "120"])
def test_answer_days_at_the_limits_are_accepted(answer_days, admin_client, municipality):
    response = admin_client.post(CATEGORIES + "new/", category_data(municipality, answer_days=answer_days))
    assert response.status_code == 302
    assert Category.objects.get(slug="rubbish").answer_days == int(answer_days)


def test_a_season_with_one_month_is_refused(admin_client, municipality, unchanged):
    response = admin_client.post(
        CATEGORIES + "new/", category_data(municipality, season_start="11"), headers=EN
    )
    assert "both months" in field_errors(response, "season_end")


def test_a_department_of_another_municipality_is_refused(
    admin_client, municipality, other_municipality, unchanged
):
    foreign = other_municipality.departments.get()
    response = admin_client.post(
        CATEGORIES + "new/", category_data(municipality, department=foreign.pk), headers=EN
    )
    assert "valid choice" in field_errors(response, "department")


def test_a_department_with_categories_is_not_deleted(admin_client, municipality, unchanged):
    roads = municipality.departments.get(name_ru="Дороги")
    response = admin_client.post(f"/m/testgrad/staff/departments/{roads.pk}/delete/", follow=True, headers=EN)
    assert response.status_code == 200
    assert "still in use" in " ".join(str(m) for m in response.context["messages"])


def test_a_department_without_categories_is_deleted(admin_client, municipality):
    parks = Department.objects.create(municipality=municipality, name="Парки")
    response = admin_client.post(f"/m/testgrad/staff/departments/{parks.pk}/delete/", follow=True, headers=EN)
    assert "Deleted" in " ".join(str(m) for m in response.context["messages"])
    assert not Department.objects.filter(pk=parks.pk).exists()


def test_granting_a_role_to_an_unknown_username_is_refused(admin_client, unchanged):
    response = admin_client.post(STAFF + "new/", {"username": "nobody", "role": "moderator"}, headers=EN)
    assert "no active account" in field_errors(response, "username")


def test_an_official_needs_a_department(admin_client, make_user, municipality):
    make_user("clerk")
    before = Membership.objects.count()
    response = admin_client.post(STAFF + "new/", {"username": "clerk", "role": "official"}, headers=EN)
    assert "departments" in field_errors(response, "department")
    assert Membership.objects.count() == before


def test_the_admin_cannot_remove_their_own_admin_role(admin_client, municipal_admin, unchanged):
    own = Membership.objects.get(user=municipal_admin, role="admin")
    response = admin_client.post(f"{STAFF}{own.pk}/delete/", follow=True, headers=EN)
    assert "cannot remove your own admin role" in " ".join(str(m) for m in response.context["messages"])


def test_the_admin_may_remove_another_admin(admin_client, make_user, municipality):
    other = make_user("coadmin", role="admin", municipality=municipality)
    membership = Membership.objects.get(user=other)
    admin_client.post(f"{STAFF}{membership.pk}/delete/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.parametrize(
    "name", ["\u200b", "\u2800\u200b", " \u200d "], ids=["zero-width", "blanks", "joiner"]
)
@pytest.mark.parametrize("where", ["districts", "categories"])
def test_a_name_that_shows_nothing_is_refused(admin_client, municipality, unchanged, name, where):
    data = (
        {"name_ru": name, "slug": "blank"}
        if where == "districts"
        else category_data(municipality, slug="blank", name_ru=name)
    )
    response = admin_client.post(f"/m/testgrad/staff/{where}/new/", data, headers=EN)
    assert "required" in field_errors(response, "name_ru")
