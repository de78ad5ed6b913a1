"""The municipal admin's set-up pages: list, create, edit and delete, each change audited."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.core.models import AuditEntry
from veche.municipalities.models import CalendarDay, Category, Department, District, Membership

EN = {"accept-language": "en"}


def base(kind):
    return "/m/testgrad/staff/" + kind + "/"


def category_data(municipality, **changes):
    data = {
        "name_ru": "Мусор",
        "name_en": "Rubbish",
        "slug": "rubbish",
        "department": municipality.departments.get(name_ru="Дороги").pk,
        "description_ru": "",
        "moderation_days": "1",
        "answer_days": "5",
        "season_start": "",
        "season_end": "",
        "is_active": "on",
    }
    return {**data, **changes}


# kind, model, audit prefix, data to create, data to edit, how to find the created row
def cases(municipality):
    return {
        "districts": (
            District,
            "district",
            {"name_ru": "Южный", "name_en": "Southern", "slug": "d3", "polygon": ""},
            {"name_ru": "Южный", "name_en": "South", "slug": "d3", "polygon": ""},
            {"slug": "d3"},
        ),
        "departments": (
            Department,
            "department",
            {"name_ru": "Парки", "name_en": "Parks", "email": "parks@example.org"},
            {"name_ru": "Парки", "name_en": "Parks and gardens", "email": "parks@example.org"},
            {"name_ru": "Парки"},
        ),
        "categories": (
            Category,
            "category",
            category_data(municipality),
            category_data(municipality, answer_days="3"),
            {"slug": "rubbish"},
        ),
        "calendar": (
            CalendarDay,
            "calendar_day",
            {"date": "2025-03-10", "is_working": "", "name": "Перенос"},
            {"date": "2025-03-10", "is_working": "on", "name": "Перенос"},
            {"date": date(2025, 3, 10)},
        ),
    }


KINDS = ["districts", "departments", "categories", "calendar"]


@pytest.fixture
def admin_client(client_for, municipal_admin):
    return client_for(municipal_admin)


@pytest.mark.parametrize("kind", KINDS)
def test_admin_creates_edits_and_deletes(kind, admin_client, municipality, municipal_admin):
    model, action, create, edit, lookup = cases(municipality)[kind]

    response = admin_client.post(base(kind) + "new/", create)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == base(kind)
    obj = model.objects.get(municipality=municipality, **lookup)
    entry = AuditEntry.objects.get(action=f"{action}.create")
    assert (entry.actor, entry.municipality, entry.target_id) == (municipal_admin, municipality, str(obj.pk))

    assert admin_client.get(base(kind)).status_code == 200
    assert admin_client.get(f"{base(kind)}{obj.pk}/").status_code == 200
    response = admin_client.post(f"{base(kind)}{obj.pk}/", edit)
    assert response.status_code == 302
    obj.refresh_from_db()
    changed = [f for f, v in edit.items() if create[f] != v]
    entry = AuditEntry.objects.get(action=f"{action}.update")
    assert entry.details == {"fields": changed}

    response = admin_client.post(f"{base(kind)}{obj.pk}/delete/")
    assert response.status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()
    assert AuditEntry.objects.get(action=f"{action}.delete").target_id == str(obj.pk)


def test_edited_values_are_stored(admin_client, municipality):
    category = municipality.categories.get(slug="pothole")
    data = category_data(municipality, slug="pothole", answer_days="12", season_start="11", season_end="3")
    assert admin_client.post(f"{base('categories')}{category.pk}/", data).status_code == 302
    category.refresh_from_db()
    assert (category.answer_days, category.season_start, category.season_end) == (12, 11, 3)
    assert category.in_season(1) and not category.in_season(7)


def test_list_shows_the_rows(admin_client, municipality):
    page = admin_client.get(base("categories"), headers=EN).content.decode()
    assert "Яма" in page and "Roads" in page


def test_admin_grants_and_revokes_a_role(admin_client, make_user, municipality):
    newcomer = make_user("newcomer")
    response = admin_client.post(base("staff") + "new/", {"username": "newcomer", "role": "moderator"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, municipality=municipality, role="moderator")
    assert AuditEntry.objects.filter(action="membership.create", target_id=str(membership.pk)).exists()
    assert newcomer.username in admin_client.get(base("staff")).content.decode()

    assert admin_client.post(f"{base('staff')}{membership.pk}/delete/").status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(action="membership.delete", target_id=str(membership.pk)).exists()


def test_admin_makes_an_official_of_a_department(admin_client, make_user, municipality):
    make_user("clerk")
    roads = municipality.departments.get(name_ru="Дороги")
    data = {"username": "clerk", "role": "official", "department": roads.pk}
    assert admin_client.post(base("staff") + "new/", data).status_code == 302
    assert Membership.objects.get(user__username="clerk").department == roads


def rows_for(kind, municipality, make_user, start, count):
    roads = municipality.departments.first()
    for i in range(start, start + count):
        if kind == "districts":
            District.objects.create(municipality=municipality, name=f"Район {i}", slug=f"x{i}")
        elif kind == "departments":
            Department.objects.create(municipality=municipality, name=f"Отдел {i}")
        elif kind == "categories":
            Category.objects.create(
                municipality=municipality, department=roads, name=f"Вид {i}", slug=f"c{i}"
            )
        elif kind == "calendar":
            CalendarDay.objects.create(municipality=municipality, date=date(2030, 1, 1 + i), name=f"День {i}")
        else:
            role = Membership.Role.OFFICIAL if i % 2 else Membership.Role.MODERATOR
            make_user(f"staffer{i}", role=role, municipality=municipality)


@pytest.mark.parametrize("kind", [*KINDS, "staff"])
def test_list_queries_do_not_grow_with_rows(kind, admin_client, municipality, make_user):
    rows_for(kind, municipality, make_user, 0, 3)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(base(kind)).status_code == 200
    rows_for(kind, municipality, make_user, 3, 27)
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(base(kind))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) >= 30
    assert len(many) == len(few)


def test_the_audit_filter_with_a_nul_or_a_broken_character_finds_nothing_and_fails_nothing(
    admin_client, municipality
):
    url = f"/m/{municipality.slug}/staff/audit/"
    for query in ("?action=a%00b", "?action=%ED%A0%80x", "?action=%00"):
        answer = admin_client.get(url + query)
        assert answer.status_code == 200, query
