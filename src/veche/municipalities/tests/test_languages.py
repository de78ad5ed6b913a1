"""Names staff give in Russian and English: shown and sorted in the reader's language, Russian where
no English one is given, in pages, the API and Open311; and the migration that moved the old columns."""

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import translation

from veche.core.testing import scratch_database
from veche.municipalities.models import Category, Department, District, Municipality


@pytest.fixture
def categories(municipality: Municipality) -> None:
    """Three categories besides the pothole (Яма / Pothole) whose Russian and English orders differ,
    one with no English name."""
    roads = municipality.departments.get()
    for slug, ru, en in [
        ("tarmac", "Асфальт", "Tarmac"),
        ("bins", "Мусор", "Bins"),
        ("benches", "Лавочки", ""),
    ]:
        Category.objects.create(
            municipality=municipality, department=roads, slug=slug, name_ru=ru, name_en=en or None
        )


def shown_categories(client: Client) -> list[str]:
    return [c.title for c in client.get("/m/testgrad/").context["categories"]]


def test_categories_are_named_and_sorted_in_the_readers_language(client_for, categories) -> None:
    assert shown_categories(client_for()) == ["Асфальт", "Лавочки", "Мусор", "Яма"]
    # In English, a category without an English name shows (and sorts by) its Russian one.
    assert shown_categories(client_for(language="en")) == ["Bins", "Pothole", "Tarmac", "Лавочки"]


def test_the_city_page_shows_the_region_and_districts_in_the_readers_language(
    client_for, municipality
) -> None:
    russian = client_for().get("/m/testgrad/").content.decode()
    english = client_for(language="en").get("/m/testgrad/").content.decode()
    assert "Тестовая область" in russian and "Центральный" in russian and "Test Oblast" not in russian
    assert "Test Oblast" in english and "Central" in english and "Тестовая область" not in english
    assert "<h1>Testgrad</h1>" in english and "<h1>Тестоград</h1>" in russian


def test_the_municipality_list_is_sorted_in_the_readers_language(client_for, municipality) -> None:
    # Тестоград < Яблоневск in Russian; Testgrad > Appleton in English.
    Municipality.objects.create(slug="apple", name_ru="Яблоневск", name_en="Appleton")
    assert [m.slug for m in client_for().get("/").context["municipalities"]] == ["testgrad", "apple"]
    assert [m.slug for m in client_for(language="en").get("/").context["municipalities"]] == [
        "apple",
        "testgrad",
    ]


@pytest.mark.parametrize(
    ("language", "name", "region", "names"),
    [
        ("ru", "Тестоград", "Тестовая область", ["Асфальт", "Лавочки", "Мусор", "Яма"]),
        ("en", "Testgrad", "Test Oblast", ["Bins", "Pothole", "Tarmac", "Лавочки"]),
    ],
)
def test_the_api_names_in_the_requests_language(
    client_for, categories, language, name, region, names
) -> None:
    body = client_for(language=language).get("/api/v1/municipalities/testgrad").json()
    assert (body["name"], body["name_ru"], body["name_en"], body["region"]) == (
        name,
        "Тестоград",
        "Testgrad",
        region,
    )
    assert [c["name"] for c in body["categories"]] == names
    benches = next(c for c in body["categories"] if c["slug"] == "benches")
    assert (benches["name_ru"], benches["name_en"]) == ("Лавочки", "")


def test_open311_services_are_named_in_the_requests_language(client_for, municipality) -> None:
    russian = client_for().get("/open311/v2/services.json?jurisdiction_id=testgrad").json()
    english = client_for(language="en").get("/open311/v2/services.json?jurisdiction_id=testgrad").json()
    assert [(s["service_name"], s["group"]) for s in russian] == [("Яма", "Дороги")]
    assert [(s["service_name"], s["group"]) for s in english] == [("Pothole", "Roads")]
    assert russian[0]["keywords"] == english[0]["keywords"] == "Яма, Pothole"


def test_a_name_given_while_english_is_active_is_the_russian_one_too(municipality) -> None:
    with translation.override("en"):
        district = District.objects.create(municipality=municipality, name="Заречный", slug="d3")
    district.refresh_from_db()
    assert (district.name_ru, district.name_en) == ("Заречный", "Заречный")
    with translation.override("ru"):
        assert district.title == "Заречный"


def test_two_departments_without_an_english_name_do_not_collide(municipality) -> None:
    Department.objects.create(municipality=municipality, name_ru="Парки")
    Department.objects.create(municipality=municipality, name_ru="Школы", name_en="")
    assert set(Department.objects.filter(name_en=None).values_list("name_ru", flat=True)) == {
        "Парки",
        "Школы",
    }


def test_the_migration_moves_the_old_names_to_the_russian_columns(django_db_blocker) -> None:
    # A database of its own: the test database is neither used nor migrated back.
    with django_db_blocker.unblock(), scratch_database() as scratch:
        MigrationExecutor(scratch).migrate([("municipalities", "0003_municipality_boundary")])
        old = (
            MigrationExecutor(scratch)
            .loader.project_state([("municipalities", "0003_municipality_boundary")])
            .apps
        )
        town = (
            old.get_model("municipalities", "Municipality")
            .objects.using("scratch")
            .create(slug="old", name="Староград", name_en="Oldtown", region="Старая область")
        )
        old.get_model("municipalities", "District").objects.using("scratch").create(
            municipality=town, name="Центр", slug="d1"
        )
        departments = old.get_model("municipalities", "Department").objects.using("scratch")
        roads = departments.create(municipality=town, name="Дороги", name_en="")
        departments.create(municipality=town, name="Парки", name_en="")
        old.get_model("municipalities", "Category").objects.using("scratch").create(
            municipality=town, department=roads, slug="pothole", name="Яма", description="Ямы на дорогах"
        )
        # On to the app's latest migration, whose tables the models read.
        MigrationExecutor(scratch).migrate(
            MigrationExecutor(scratch).loader.graph.leaf_nodes("municipalities")
        )

        town = Municipality.objects.using("scratch").get(slug="old")
        assert (town.name_ru, town.name_en, town.region_ru, town.region_en) == (
            "Староград",
            "Oldtown",
            "Старая область",
            None,
        )
        district = town.districts.get()
        assert (district.name_ru, district.name_en) == ("Центр", None)
        assert sorted(town.departments.values_list("name_ru", "name_en")) == [
            ("Дороги", None),
            ("Парки", None),
        ]
        category = town.categories.get()
        assert (category.name_ru, category.description_ru, category.description_en) == (
            "Яма",
            "Ямы на дорогах",
            None,
        )
        with translation.override("en"):
            assert (town.title, district.title, category.title, category.description) == (
                "Oldtown",
                "Центр",
                "Яма",
                "Ямы на дорогах",
            )
