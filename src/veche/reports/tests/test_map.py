"""The public map's data and the report page's map: pins and clusters that split, what a pin says
in the reader's language, numbers a script reads, and the report page's answer and discussion."""

import json
import re

import pytest
from django.utils import timezone
from django.utils.text import capfirst

from veche.core.testing import localised_numbers, text_in
from veche.municipalities.zones import local_day
from veche.reports import selectors, services
from veche.reports.models import Report

pytestmark = pytest.mark.django_db

BOX_12 = {"bbox": "55.6,37.4,55.9,37.8", "zoom": "12"}
RUSSIAN_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
                  "октября", "ноября", "декабря")  # fmt: skip
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")  # fmt: skip


def map_json(client, municipality, query):
    response = client.get(f"/m/{municipality.slug}/reports/map.json", query)
    assert response.status_code == 200, response.content[:300]
    return response


@pytest.fixture
def pair_and_far(municipality, resident, official, routed) -> dict[str, Report]:
    """Two public reports about 15 m apart (one in progress) and one 8 km away."""
    return {
        "a": routed(resident, latitude=55.7500, longitude=37.6100),
        "b": services.report_start(
            official=official, report=routed(resident, latitude=55.7501, longitude=37.6102)
        ),
        "far": routed(resident, latitude=55.8000, longitude=37.7000),
    }


def test_a_cell_of_several_reports_is_a_cluster_with_their_box_and_a_lone_report_its_pin(
    client_for, municipality, pair_and_far
):
    data = map_json(client_for(language="en"), municipality, BOX_12).json()

    [cluster] = data["clusters"]
    assert cluster["count"] == 2
    # Zooming to this box splits the cluster: it is the box of its two reports, not of its cell.
    assert cluster["bbox"] == [55.75, 37.61, 55.7501, 37.6102]
    assert 55.75 <= cluster["lat"] <= 55.7501 and 37.61 <= cluster["lon"] <= 37.6102
    [pin] = data["pins"]
    assert (pin["id"], pin["lat"], pin["lon"], pin["status"]) == (
        pair_and_far["far"].pk,
        55.8,
        37.7,
        "routed",
    )


def test_from_street_zoom_every_report_is_a_pin(client_for, municipality, pair_and_far):
    data = map_json(
        client_for(language="en"), municipality, {"bbox": "55.749,37.609,55.751,37.611", "zoom": "17"}
    ).json()

    assert data["clusters"] == []
    assert sorted((p["id"], p["status"]) for p in data["pins"]) == sorted(
        [(pair_and_far["a"].pk, "routed"), (pair_and_far["b"].pk, "in_progress")]
    )


def test_a_dense_map_still_draws_lone_reports_as_pins_and_gives_clusters_their_cells_box(
    client_for, municipality, pair_and_far, monkeypatch, django_assert_num_queries
):
    """Above MAP_DETAIL_REPORTS the map does not read every report: a cluster's box is its cell."""
    monkeypatch.setattr(selectors, "MAP_DETAIL_REPORTS", 1)
    client = client_for(language="en")
    map_json(client, municipality, BOX_12)

    # The municipality, the stored cells, the lone reports.
    with django_assert_num_queries(3):
        data = map_json(client, municipality, BOX_12).json()

    [cluster] = data["clusters"]
    size = 360 / 2**12 / 4
    south, west, north, east = cluster["bbox"]
    assert south <= 55.75 and north > 55.7501 and west <= 37.61 and east > 37.6102
    assert north - south == pytest.approx(size) and east - west == pytest.approx(size)
    assert [p["id"] for p in data["pins"]] == [pair_and_far["far"].pk]


@pytest.mark.parametrize(
    ("language", "status", "in_progress", "category", "months"),
    [
        ("ru", "передано в ведомство", "в работе", "Свет", RUSSIAN_MONTHS),
        ("en", "routed to department", "in progress", "Street light", [m[:3] for m in ENGLISH_MONTHS]),
    ],
)
def test_a_pin_says_its_category_status_and_day_in_the_readers_language_and_its_numbers_for_scripts(
    client_for, municipality, pair_and_far, language, status, in_progress, category, months
):
    if language == "ru":
        assert text_in("ru", "routed to department") == status  # the catalogue says so
    response = map_json(
        client_for(language=language), municipality, {"bbox": "55.749,37.609,55.751,37.611", "zoom": "17"}
    )
    pins = {p["id"]: p for p in response.json()["pins"]}

    a = pins[pair_and_far["a"].pk]
    assert a["status"] == "routed" and a["status_label"] == status
    assert pins[pair_and_far["b"].pk]["status"] == "in_progress"
    assert pins[pair_and_far["b"].pk]["status_label"] == in_progress
    assert a["category"] == category
    today = local_day(municipality, pair_and_far["a"].created_at)
    assert a["created"] == today.isoformat()
    assert str(today.day) in a["created_label"] and any(m in a["created_label"] for m in months)
    # JSON numbers: a dot in every language, never a comma.
    text = response.content.decode()
    assert '"lat": 55.75,' in text and "55,75" not in text


def test_map_data_reads_the_same_few_queries_for_pins_and_clusters(
    client_for, municipality, resident, routed, django_assert_num_queries
):
    for i in range(12):
        routed(resident, latitude=55.75 + (i % 3) * 0.03, longitude=37.61 + i * 0.00001)
    client = client_for(language="en")
    map_json(client, municipality, BOX_12)  # the first request of a session may do one-off work

    # The municipality, the stored cells, the reports behind them.
    with django_assert_num_queries(3):
        data = map_json(client, municipality, BOX_12).json()
    assert sum(c["count"] for c in data["clusters"]) + len(data["pins"]) == 12
    # From street zoom: the municipality and the reports.
    with django_assert_num_queries(2):
        data = map_json(client, municipality, {"bbox": "55.7,37.5,55.8,37.7", "zoom": "18"}).json()
    assert len(data["pins"]) == 8  # at 55.75 and 55.78; those at 55.81 are north of the box


# The map page


def test_the_map_page_has_a_legend_of_the_statuses_in_russian_with_the_pins_classes(client_for, municipality):
    html = client_for().get(f"/m/{municipality.slug}/reports/map/").content.decode()

    legend = html[html.index('class="map-legend"') :]
    labels = {"routed": "routed to department", "in_progress": "in progress", "resolved": "resolved"}
    labels |= {"rejected": "rejected", "closed": "closed"}
    for code, label in labels.items():
        russian = capfirst(text_in("ru", label))
        assert russian != capfirst(label)
        assert f'<span class="pin status-{code}" aria-hidden="true"></span> {russian}</li>' in legend, code
    assert 'data-open-label="Открыть обращение"' in html


def test_the_map_page_opens_on_a_public_report_named_in_the_address(
    client_for, municipality, pair_and_far, submit, resident
):
    far = pair_and_far["far"]
    client = client_for()

    html = client.get(
        f"/m/{municipality.slug}/reports/map/", {"report": far.pk, "category": "light"}
    ).content.decode()

    assert 'data-lat="55.8"' in html and 'data-lon="37.7"' in html and 'data-zoom="17"' in html
    assert f'data-report="{far.pk}"' in html
    # The report is the page's, not a filter of the reports the map asks for.
    assert f'data-source="/m/{municipality.slug}/reports/map.json?category=light"' in html
    assert localised_numbers(html) == []
    # A report not on the public map opens the city.
    hidden = submit(resident, latitude=50.0, longitude=30.0)
    html = client.get(f"/m/{municipality.slug}/reports/map/", {"report": hidden.pk}).content.decode()
    assert "data-report" not in html and 'data-lat="50.0"' not in html


# The report page


def test_the_report_page_has_its_map_with_coordinates_for_scripts_and_people_in_russian(
    client_for, municipality, resident, routed
):
    report = routed(resident, latitude=55.7601, longitude=37.6201)

    html = client_for().get(f"/m/{municipality.slug}/reports/{report.pk}/").content.decode()

    spot = re.search(r'<div id="report-spot"[^>]*>', html)
    assert spot is not None
    assert 'data-lat="55.7601"' in spot.group(0) and 'data-lon="37.6201"' in spot.group(0)
    assert 'data-status="routed"' in spot.group(0)
    assert "(55.76010, 37.62010)" in html and "55,7601" not in html
    assert (
        f'href="/m/{municipality.slug}/reports/map/?report={report.pk}">Показать на карте города</a>' in html
    )
    assert localised_numbers(html) == []


def test_a_report_not_on_the_public_map_links_to_its_place_on_it(client_for, municipality, resident, submit):
    report = submit(resident, latitude=55.7601, longitude=37.6201)

    html = client_for(resident).get(f"/m/{municipality.slug}/reports/{report.pk}/").content.decode()

    assert f'href="/m/{municipality.slug}/reports/map/?lat=55.7601&amp;lon=37.6201&amp;zoom=17"' in html


def test_a_disputed_answer_shows_as_the_previous_one_and_the_report_awaits_a_new_one(
    client_for, municipality, resident, official, resolved, photo
):
    report = resolved(resident)
    disputed_on = timezone.now()
    services.report_dispute(author=resident, report=report, reason="The lamp is still dark", now=disputed_on)
    client = client_for()
    url = f"/m/{municipality.slug}/reports/{report.pk}/"

    html = client.get(url).content.decode()

    day = timezone.localtime(disputed_on)
    month = RUSSIAN_MONTHS[day.month - 1]
    assert f"Прежний ответ (оспорен {day.day} {month} {day.year})" in html
    assert (
        text_in("ru", "The author disputed this answer, so the report awaits a new answer from the city.")
        in html
    )
    assert "The lamp is fixed" in html
    assert text_in("ru", "The city's answer") not in html

    # Answered again: that answer is the city's answer.
    services.report_resolve(official=official, report=report, answer="A new lamp is in", photos=[photo()])
    html = client.get(url).content.decode()
    assert text_in("ru", "The city's answer") in html and "Прежний ответ" not in html
    assert "A new lamp is in" in html


def test_an_answer_not_disputed_is_the_citys_answer(client_for, municipality, resident, resolved):
    report = resolved(resident)

    html = client_for().get(f"/m/{municipality.slug}/reports/{report.pk}/").content.decode()

    assert text_in("ru", "The city's answer") in html and "Прежний ответ" not in html


def test_a_report_awaiting_moderation_invites_no_comment(client_for, municipality, resident, submit):
    report = submit(resident)

    html = client_for(resident).get(f"/m/{municipality.slug}/reports/{report.pk}/").content.decode()

    assert text_in("ru", "The discussion opens once a moderator has published the report.") in html
    assert text_in("ru", "No comments yet. Be the first.") not in html
    assert text_in("ru", "No comments yet.") in html
    assert 'name="body"' not in html


def test_a_closed_discussion_asks_no_visitor_to_log_in_to_take_part(
    client_for, municipality, resident, resolved
):
    report = resolved(resident)
    services.report_confirm(author=resident, report=report)

    html = client_for().get(f"/m/{municipality.slug}/reports/{report.pk}/").content.decode()

    assert text_in("ru", "Log in to take part in the discussion.") not in html
    assert (
        text_in(
            "ru", "This report is closed. Its discussion can still be read, but it takes no new comments."
        )
        in html
    )
    assert text_in("ru", "No comments yet. Be the first.") not in html


def test_an_open_discussion_still_invites_the_first_comment(client_for, municipality, resident, routed):
    report = routed(resident)

    html = client_for().get(f"/m/{municipality.slug}/reports/{report.pk}/").content.decode()

    assert text_in("ru", "Log in to take part in the discussion.") in html
    assert text_in("ru", "No comments yet. Be the first.") in html


def test_the_map_json_is_json(client_for, municipality, pair_and_far):
    """Every number is a JSON number (a script does not parse text)."""
    data = json.loads(map_json(client_for(), municipality, BOX_12).content)
    assert all(isinstance(v, float) for c in data["clusters"] for v in (c["lat"], c["lon"], *c["bbox"]))
    assert all(isinstance(p["id"], int) and isinstance(p["lat"], float) for p in data["pins"])
