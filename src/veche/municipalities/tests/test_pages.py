"""The platform home and a municipality's page, in Russian and in English."""

import pytest

from veche.municipalities.models import Municipality


@pytest.fixture
def inactive(db):
    return Municipality.objects.create(
        slug="zakryt", name="Закрытоград", name_en="Closedtown", is_active=False
    )


def test_home_lists_active_municipalities_only(client, municipality, other_municipality, inactive):
    page = client.get("/").content.decode()
    assert "Тестоград" in page and "Другоград" in page
    assert "Закрытоград" not in page
    assert "/m/zakryt/" not in page


def test_municipality_page_in_russian(client, municipality):
    response = client.get("/m/testgrad/", headers={"accept-language": "ru"})
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Тестоград", "Центральный", "Северный", "Дороги", "Яма"):
        assert name in page
    for name in ("Testgrad", "Northern", "Roads", "Pothole"):
        assert name not in page


def test_municipality_page_in_english(client, municipality):
    response = client.get("/m/testgrad/", headers={"accept-language": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("Testgrad", "Central", "Northern", "Roads", "Pothole"):
        assert name in page
    for name in ("Тестоград", "Северный", "Дороги", "Яма"):
        assert name not in page


def test_english_falls_back_to_russian_without_an_english_name(client, municipality):
    municipality.districts.create(name="Заречный", slug="d3")
    page = client.get("/m/testgrad/", headers={"accept-language": "en"}).content.decode()
    assert "Заречный" in page


def test_inactive_municipality_page_is_not_found(client, inactive):
    assert client.get("/m/zakryt/").status_code == 404
