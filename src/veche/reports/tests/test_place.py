"""Placing a report: the municipality's boundary (or its districts' polygons) refuses a place in
another city, a description says something, the report form works without a script, and the
address search forwards to the geocoder the site is set up with (here a small local HTTP server)."""

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client, override_settings

from veche.accounts.models import User
from veche.core.errors import DomainError
from veche.core.models import AuditEntry
from veche.core.testing import JsonService, local_service
from veche.municipalities.demo import rough_boundary
from veche.municipalities.models import Category, District, Municipality
from veche.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db

MOSCOW = (55.75, 37.61)
PETERSBURG = (59.94, 30.31)


def box(south: float, west: float, north: float, east: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def bounded(municipality: Municipality) -> Municipality:
    """The test city, with a boundary around the centre of Moscow."""
    municipality.boundary = box(55.5, 37.3, 56.0, 37.9)
    municipality.save()
    return municipality


def nothing_written() -> bool:
    return not Report.objects.exists() and not ReportEvent.objects.exists()


# --- the service ------------------------------------------------------------------------------


def test_a_place_outside_the_boundary_is_refused_and_nothing_is_written(
    submit: Callable[..., Report], resident: User, bounded: Municipality
) -> None:
    with pytest.raises(DomainError) as refused:
        submit(resident, latitude=PETERSBURG[0], longitude=PETERSBURG[1])

    assert refused.value.fields == {"latitude": ["Это место находится за пределами территории «Тестоград»."]}
    assert nothing_written()
    assert submit(resident, latitude=MOSCOW[0], longitude=MOSCOW[1]).latitude == MOSCOW[0]


def test_without_a_boundary_the_districts_polygons_together_are_the_city(
    submit: Callable[..., Report], resident: User, central: District, northern: District
) -> None:
    central.polygon = box(55.70, 37.55, 55.80, 37.70)
    central.save()
    northern.polygon = box(55.80, 37.55, 55.90, 37.70)
    northern.save()

    assert submit(resident, latitude=55.75, longitude=37.61).district == central
    assert submit(resident, latitude=55.85, longitude=37.61).district == northern
    with pytest.raises(DomainError) as refused:
        submit(resident, latitude=55.95, longitude=37.61)
    assert "latitude" in refused.value.fields
    assert Report.objects.count() == 2


def test_a_city_with_neither_boundary_nor_district_polygons_takes_any_place(
    submit: Callable[..., Report], resident: User, municipality: Municipality
) -> None:
    assert not municipality.boundary
    assert submit(resident, latitude=PETERSBURG[0], longitude=PETERSBURG[1]).latitude == PETERSBURG[0]


SHORT = "Опишите проблему хотя бы в нескольких словах: не меньше 10 символов."
BLANK = "Обязательное поле."


@pytest.mark.parametrize(
    ("description", "message"),
    # Characters that show nothing do not count: zero-width spaces, the braille blank, combining
    # accents on their own; a run of spaces counts as one.
    [
        ("Яма", SHORT),
        ("  Яма тут  ", SHORT),
        ("123456789", SHORT),
        ("Яма   у   до", SHORT),
        ("\u200b" * 21 + " a", SHORT),
        ("\u200b" * 40, BLANK),
        ("\u2800" * 40, BLANK),
        ("\u0301" * 40, BLANK),
    ],
    ids=[
        "short",
        "spaces",
        "nine",
        "spaced-out",
        "zero-width-and-a",
        "zero-width",
        "braille-blank",
        "accents",
    ],
)
def test_a_description_shorter_than_ten_characters_is_refused(
    submit: Callable[..., Report], resident: User, description: str, message: str
) -> None:
    with pytest.raises(DomainError) as refused:
        submit(resident, description=description)

    assert refused.value.fields == {"description": [message]}
    assert nothing_written()
    assert submit(resident, description="  Яма у дома  ").description == "Яма у дома"


def test_the_demo_boundaries_take_their_own_city_and_not_another() -> None:
    from veche.core.geo import point_in_geometry

    moscow = rough_boundary("moscow", 55.7558, 37.6173)
    assert point_in_geometry(MOSCOW[1], MOSCOW[0], moscow)
    assert not point_in_geometry(PETERSBURG[1], PETERSBURG[0], moscow)
    kazan = rough_boundary("kazan", 55.7961, 49.1064)
    assert point_in_geometry(49.2, 55.85, kazan) and not point_in_geometry(MOSCOW[1], MOSCOW[0], kazan)


# --- the form page ----------------------------------------------------------------------------


def form_url(municipality: Municipality) -> str:
    return f"/m/{municipality.slug}/reports/new/"


def test_the_form_in_russian_asks_for_the_place_without_speaking_of_a_map_click(
    client_for: Callable[..., Client], resident: User, municipality: Municipality, lights: Category
) -> None:
    html = client_for(resident).get(form_url(municipality)).content.decode()

    # The text a browser without scripts shows: address, district, coordinates; no map to click.
    assert "Адрес сохранится, как вы его напишете" in html
    assert "<summary>Указать координаты</summary>" in html
    assert 'name="district"' in html and "Центральный" in html
    assert "Щёлкните" not in html and "Click the map" not in html
    # The map, its hint and its buttons are there for the script to show, hidden until then.
    assert '<div class="pick" id="pick" hidden' in html
    assert "Моё местоположение" in html and "Поставить метку сюда" in html
    # With no geocoder set up, there is no address search.
    assert 'id="address-search"' not in html


def test_without_coordinates_the_form_says_where_to_give_them_and_files_nothing(
    client_for: Callable[..., Client],
    resident: User,
    municipality: Municipality,
    lights: Category,
    central: District,
) -> None:
    response = client_for(resident).post(
        form_url(municipality),
        {
            "category": lights.pk,
            "address": "ул. Ленина, 5",
            "district": central.pk,
            "description": "Не горит фонарь у подъезда",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Отметьте место на карте или введите его координаты в разделе «Указать координаты»." in html
    assert '<details class="coordinates" id="coordinates" open>' in html
    assert "ул. Ленина, 5" in html
    assert nothing_written()


def test_the_form_files_address_district_and_coordinates_and_refuses_another_city(
    client_for: Callable[..., Client],
    resident: User,
    bounded: Municipality,
    lights: Category,
    northern: District,
) -> None:
    client = client_for(resident)
    fields = {
        "category": lights.pk,
        "address": "ул. Ленина, 5",
        "district": northern.pk,
        "description": "Не горит фонарь у подъезда",
    }

    outside = client.post(form_url(bounded), {**fields, "latitude": "59.94", "longitude": "30.31"})
    assert outside.status_code == 400
    assert "Это место находится за пределами территории «Тестоград»." in outside.content.decode()
    assert nothing_written()

    filed = client.post(form_url(bounded), {**fields, "latitude": "55.75", "longitude": "37.61"})
    assert filed.status_code == 302
    report = Report.objects.get()
    assert (report.address, report.district, report.latitude) == ("ул. Ленина, 5", northern, 55.75)


# --- the staff page of the boundary -----------------------------------------------------------


def test_a_municipal_admin_sets_the_boundary_and_a_bad_one_changes_nothing(
    client_for: Callable[..., Client], municipal_admin: User, municipality: Municipality
) -> None:
    client = client_for(municipal_admin)
    url = f"/m/{municipality.slug}/staff/boundary/"
    assert client.get(f"/m/{municipality.slug}/staff/").content.decode().count(url) == 1

    bad = client.post(url, {"boundary": '{"type": "Polygon", "coordinates": [[[37, 55], [38, 55]]]}'})
    assert bad.status_code == 400
    assert "GeoJSON" in bad.content.decode()
    municipality.refresh_from_db()
    assert municipality.boundary is None

    polygon = box(55.5, 37.3, 56.0, 37.9)
    assert client.post(url, {"boundary": json.dumps(polygon)}).status_code == 302
    municipality.refresh_from_db()
    assert municipality.boundary == polygon
    assert AuditEntry.objects.filter(action="boundary.update", municipality=municipality).exists()
    assert json.dumps(polygon) in client.get(url).content.decode().replace("&quot;", '"')


def test_a_resident_cannot_reach_the_boundary_page(
    client_for: Callable[..., Client], resident: User, municipality: Municipality
) -> None:
    response = client_for(resident).post(
        f"/m/{municipality.slug}/staff/boundary/", {"boundary": json.dumps(box(0, 0, 1, 1))}
    )
    assert response.status_code == 404
    municipality.refresh_from_db()
    assert municipality.boundary is None


# --- the address search -----------------------------------------------------------------------


@pytest.fixture
def geocoder() -> Iterator[type[JsonService]]:
    with (
        local_service() as (url, service),
        override_settings(VECHE_GEOCODER_URL=url, VECHE_GEOCODER_TIMEOUT=0.5),
    ):
        yield service


def geocode_url(municipality: Municipality, query: str = "Тверская 7") -> str:
    return f"/m/{municipality.slug}/reports/geocode/?q={query}"


def test_without_a_geocoder_the_address_search_is_a_clear_404(
    client_for: Callable[..., Client], resident: User, municipality: Municipality
) -> None:
    response = client_for(resident).get(geocode_url(municipality))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Поиск по адресу на этом сайте не настроен."


def test_the_address_search_offers_the_places_inside_the_city(
    client_for: Callable[..., Client], resident: User, bounded: Municipality, geocoder: type[JsonService]
) -> None:
    geocoder.answer = json.dumps(
        [
            {"display_name": "Тверская улица, 7, Москва", "lat": "55.7601", "lon": "37.6101"},
            {"display_name": "Тверская улица, Петербург", "lat": "59.94", "lon": "30.31"},
            {"display_name": "broken", "lat": "north"},
        ]
    ).encode()

    response = client_for(resident).get(geocode_url(bounded))

    assert response.status_code == 200
    assert response.json() == {
        "candidates": [{"label": "Тверская улица, 7, Москва", "latitude": 55.7601, "longitude": 37.6101}],
        "message": "",
    }
    # The geocoder was asked within the city's box, bounded to it, in the page's language.
    (query,) = geocoder.queries
    assert query["q"] == ["Тверская 7"] and query["bounded"] == ["1"]
    assert query["viewbox"] == ["37.3,56.0,37.9,55.5"] and query["accept-language"] == ["ru"]


@pytest.mark.parametrize(
    "answer",
    [b"not json", b'{"error": "Unable to geocode"}', b"[" * 100_000],  # too deep for the parser: a 500 once
    ids=["not-json", "an-object", "nested-too-deep"],
)
def test_a_geocoder_that_answers_nonsense_leaves_the_resident_a_message(
    client_for: Callable[..., Client],
    resident: User,
    municipality: Municipality,
    geocoder: type[JsonService],
    answer: bytes,
) -> None:
    geocoder.answer = answer
    response = client_for(resident).get(geocode_url(municipality))
    assert response.status_code == 200
    assert response.json()["candidates"] == []
    assert "Поиск по адресу сейчас не отвечает" in response.json()["message"]


def test_a_geocoder_that_does_not_answer_in_time_is_given_up_cleanly(
    client_for: Callable[..., Client], resident: User, municipality: Municipality, geocoder: type[JsonService]
) -> None:
    geocoder.delay = 2.0
    started = time.monotonic()
    response = client_for(resident).get(geocode_url(municipality))
    assert time.monotonic() - started < 1.8
    assert response.status_code == 200
    assert response.json()["candidates"] == []
    assert "Поиск по адресу сейчас не отвечает" in response.json()["message"]


@pytest.mark.parametrize("query", ["", "ab", "я" * 201])
def test_the_address_search_refuses_too_little_or_too_much_and_asks_nobody(
    client_for: Callable[..., Client],
    resident: User,
    municipality: Municipality,
    geocoder: type[JsonService],
    query: str,
) -> None:
    response = client_for(resident).get(geocode_url(municipality, query))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"q": ["Введите от 3 до 200 символов адреса."]}
    assert geocoder.queries == []


def test_the_address_search_is_for_signed_in_people(
    client_for: Callable[..., Client], municipality: Municipality, geocoder: type[JsonService]
) -> None:
    response = client_for(None).get(geocode_url(municipality))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert geocoder.queries == []
