"""The report pages as a browser uses them: filing, the nearby hint, list, map, feed, report page, steps."""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import override_settings
from django.utils import timezone

from veche.accounts.models import User
from veche.moderation.services import content_hide
from veche.municipalities.models import Category, Membership, Municipality
from veche.reports import services
from veche.reports.models import Report, ReportEvent, ReportPhoto, ReportSupport, Source, Status

pytestmark = pytest.mark.django_db

METRES_PER_DEGREE_OF_LATITUDE = 111_195


def new_url(municipality: Municipality) -> str:
    return f"/m/{municipality.slug}/reports/new/"


def page_url(report: Report, tail: str = "") -> str:
    return f"/m/{report.municipality.slug}/reports/{report.pk}/{tail}"


def filing(category: Category, /, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": category.pk,
        "latitude": "55.75",
        "longitude": "37.61",
        "address": "Tverskaya 1",
        "description": "The street light is out",
    }
    data.update(overrides)
    return data


def flashed(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def linked_ids(html: str, municipality: Municipality) -> list[int]:
    return [int(pk) for pk in re.findall(rf'href="/m/{municipality.slug}/reports/(\d+)/"', html)]


def north(metres: float, of: float = 55.75) -> float:
    return of + metres / METRES_PER_DEGREE_OF_LATITUDE


# Filing a report


def test_a_rate_limited_filing_answers_429_with_retry_after_and_files_nothing(
    browser, municipality, lights, resident
):
    year = 365 * 24 * 3600
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "write": f"0/{year}"}):
        response = browser(resident).post(new_url(municipality), filing(lights))

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= year
    assert "The street light is out" in response.content.decode()  # the form again, as written
    assert not Report.objects.exists()


def test_a_new_report_is_seen_by_its_author_alone_until_a_moderator_passes_it(
    browser, municipality, lights, resident, neighbour, moderator
):
    author = browser(resident)
    response = author.post(new_url(municipality), filing(lights))

    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(report)
    assert (report.author, report.category, report.source) == (resident, lights, Source.WEB)
    assert (report.latitude, report.longitude, report.address) == (55.75, 37.61, "Tverskaya 1")
    page = author.get(page_url(report))
    assert page.status_code == 200
    assert '<span class="status status-submitted">submitted</span>' in page.content.decode()
    assert browser(neighbour).get(page_url(report)).status_code == 404
    assert browser().get(page_url(report)).status_code == 404

    services.report_moderate(moderator=moderator, report=report)

    assert browser(neighbour).get(page_url(report)).status_code == 200
    assert browser().get(page_url(report)).status_code == 200


@pytest.mark.parametrize("photos", [1, 0])
def test_a_category_that_needs_a_photo_refuses_a_report_without_one(
    browser, municipality, resident, photo, photos
):
    pothole = municipality.categories.get(slug="pothole")

    response = browser(resident).post(
        new_url(municipality), filing(pothole, photos=[photo() for _ in range(photos)])
    )

    if photos:
        assert response.status_code == 302
        assert Report.objects.get().photos.count() == 1
    else:
        assert response.status_code == 400
        assert response.context["form"].errors["photos"] == ["This category needs a photo of the problem."]
        assert not Report.objects.exists()
        assert not ReportPhoto.objects.exists()


@pytest.mark.parametrize(("count", "accepted"), [(5, True), (6, False)])
def test_at_most_five_photos(browser, municipality, lights, resident, photo, count, accepted):
    response = browser(resident).post(
        new_url(municipality), filing(lights, photos=[photo(f"p{i}.jpg") for i in range(count)])
    )

    if accepted:
        assert response.status_code == 302
        assert Report.objects.get().photos.count() == 5
    else:
        assert response.status_code == 400
        assert response.context["form"].errors["photos"] == ["At most 5 photos."]
        assert not Report.objects.exists()
        assert not ReportPhoto.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("latitude", "90", None),
        ("latitude", "91", "Ensure this value is less than or equal to 90."),
        ("latitude", "-90.5", "Ensure this value is greater than or equal to -90."),
        ("longitude", "-180", None),
        ("longitude", "abc", "Enter a number."),
        ("longitude", "nan", "Enter a number."),
        ("longitude", "181", "Ensure this value is less than or equal to 180."),
        ("description", "x" * 4000, None),
        ("description", "x" * 4001, "Ensure this value has at most 4000 characters (it has 4001)."),
        ("description", "   ", "This field is required."),
        ("description", "a\x00b", "Null characters are not allowed."),
        ("address", "a" * 301, "Ensure this value has at most 300 characters (it has 301)."),
        ("category", "999999", "Select a valid choice. That choice is not one of the available choices."),
    ],
)
def test_each_field_is_checked_and_a_refused_report_stores_nothing(
    browser, municipality, lights, resident, field, value, error
):
    response = browser(resident).post(new_url(municipality), filing(lights, **{field: value}))

    if error is None:
        assert response.status_code == 302
        assert str(getattr(Report.objects.get(), field)) == str(
            float(value) if field != "description" else value
        )
    else:
        assert response.status_code == 400
        assert response.context["form"].errors[field] == [error]
        assert error.replace('"', "&quot;") in response.content.decode()
        assert not Report.objects.exists()


def test_markup_in_a_description_is_stored_as_typed_and_shown_escaped(
    browser, municipality, lights, resident, moderator
):
    text = '<script>alert("hi")</script> <img src=x onerror=alert(1)> & cold'
    client = browser(resident)

    assert client.post(new_url(municipality), filing(lights, description=text)).status_code == 302

    report = Report.objects.get()
    assert report.description == text
    services.report_moderate(moderator=moderator, report=report)
    for url in (page_url(report), f"/m/{municipality.slug}/reports/"):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(" in html
        assert "<script>alert" not in html
        assert "<img src=x" not in html


@pytest.mark.parametrize("confirmed", [True, False])
def test_an_account_without_a_confirmed_address_cannot_file(
    browser, make_user, municipality, lights, confirmed
):
    client = browser(make_user("newcomer", confirmed=confirmed))

    form_page = client.get(new_url(municipality))
    response = client.post(new_url(municipality), filing(lights))

    if confirmed:
        assert 'id="report-form"' in form_page.content.decode()
        assert response.status_code == 302
        assert Report.objects.count() == 1
    else:
        reason = "Log in with a confirmed e-mail address to do this."
        assert 'id="report-form"' not in form_page.content.decode()
        assert reason in form_page.content.decode()
        assert response.status_code == 403
        assert reason in response.content.decode()
        assert not Report.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(browser, municipality, lights, method):
    data = filing(lights) if method == "post" else {}

    response = getattr(browser(), method)(new_url(municipality), data)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={new_url(municipality)}"
    assert not Report.objects.exists()


@pytest.mark.parametrize("in_season", [True, False])
def test_a_seasonal_category_takes_reports_only_in_its_season(browser, municipality, resident, in_season):
    month = timezone.localdate().month
    start = month if in_season else month % 12 + 1
    mowing = Category.objects.create(
        municipality=municipality,
        department=municipality.departments.first(),
        slug="grass",
        name="Трава",
        name_en="Grass",
        season_start=start,
        season_end=start,
    )

    response = browser(resident).post(new_url(municipality), filing(mowing))

    if in_season:
        assert response.status_code == 302
        assert Report.objects.get().category == mowing
    else:
        assert response.status_code == 400
        assert response.context["form"].errors["category"] == [
            "Reports of this kind are taken only in season."
        ]
        assert not Report.objects.exists()


# The nearby hint


def test_nearby_lists_open_public_reports_of_the_category_within_50_metres(
    browser, municipality, lights, resident, neighbour, moderator, official, submit, routed, resolved, photo
):
    close = routed(resident, latitude=north(30))
    started = services.report_start(official=official, report=routed(resident, latitude=north(-40)))
    routed(resident, latitude=north(80))  # too far
    routed(resident, category=municipality.categories.get(slug="pothole"), photos=[photo()])  # other kind
    submit(resident)  # not moderated yet
    resolved(resident)  # answered: no longer open
    services.report_decline(moderator=moderator, report=submit(resident), reason="Duplicate")
    content_hide(moderator=moderator, content=routed(resident), reason="Insults")

    response = browser(neighbour).get(
        f"/m/{municipality.slug}/reports/nearby/",
        {"category": lights.pk, "latitude": "55.75", "longitude": "37.61"},
    )

    assert response.status_code == 200
    assert linked_ids(response.content.decode(), municipality) == [close.pk, started.pk]
    assert "30 m away" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"category": "{pk}", "latitude": "55.75", "longitude": "37.61"},
        {},
        {"category": "light", "latitude": "55.75", "longitude": "37.61"},
        {"category": "{pk}", "latitude": "abc", "longitude": "37.61"},
        {"category": "{pk}", "latitude": "55.75"},
        {"category": "{pk}", "latitude": "nan", "longitude": "37.61"},
        {"category": "{pk}", "latitude": "55.75", "longitude": "inf"},
        {"category": "{pk}", "latitude": "1e999", "longitude": "37.61"},
        {"category": "{pk}", "latitude": "91", "longitude": "37.61"},
        {"category": "{pk}", "latitude": "55.75", "longitude": "-181"},
        {"category": "99999999999999999999999", "latitude": "55.75", "longitude": "37.61"},
        {"category": "-1", "latitude": "55.75", "longitude": "37.61"},
        {"category": "1.5", "latitude": "55.75", "longitude": "37.61"},
        {"category": "\x00", "latitude": "55.75\x00", "longitude": "37.61"},
        {"category": "{pk}", "latitude": "5" * 400, "longitude": "37.61"},
    ],
)
def test_nearby_answers_garbage_with_an_empty_200(browser, municipality, lights, resident, routed, params):
    report = routed(resident)
    query = {k: v.replace("{pk}", str(lights.pk)) for k, v in params.items()}

    response = browser().get(f"/m/{municipality.slug}/reports/nearby/", query)

    assert response.status_code == 200
    valid = params == {"category": "{pk}", "latitude": "55.75", "longitude": "37.61"}
    assert linked_ids(response.content.decode(), municipality) == ([report.pk] if valid else [])


def test_nearby_does_not_offer_another_municipalitys_category(
    browser, municipality, other_municipality, lights, resident, routed
):
    routed(resident)

    response = browser().get(
        f"/m/{other_municipality.slug}/reports/nearby/",
        {"category": lights.pk, "latitude": "55.75", "longitude": "37.61"},
    )

    assert response.status_code == 200
    assert response.content.strip() == b""


# The public list, map and feed


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"light_d1", "pothole_d2_started", "light_d2_resolved", "light_d1_overdue"}),
        ({"category": "light"}, {"light_d1", "light_d2_resolved", "light_d1_overdue"}),
        ({"district": "d2"}, {"pothole_d2_started", "light_d2_resolved"}),
        ({"status": "open"}, {"light_d1", "pothole_d2_started", "light_d1_overdue"}),
        ({"status": "in_progress"}, {"pothole_d2_started"}),
        ({"status": "resolved"}, {"light_d2_resolved"}),
        ({"status": "submitted"}, set()),
        ({"overdue": "on"}, {"light_d1_overdue"}),
        ({"category": "light", "district": "d1", "status": "open"}, {"light_d1", "light_d1_overdue"}),
        ({"category": "no-such"}, set()),
    ],
)
def test_the_public_list_filters(browser, municipality, city, query, expected):
    response = browser().get(f"/m/{municipality.slug}/reports/", query)

    assert response.status_code == 200
    shown = set(linked_ids(response.content.decode(), municipality))
    assert shown == {city[name].pk for name in expected}
    assert response.context["page"].paginator.count == len(expected)
    overdue_marks = response.content.decode().count('<span class="overdue">overdue</span>')
    assert overdue_marks == ("light_d1_overdue" in expected)


def test_the_public_list_pages_by_twenty_keeping_the_filters(browser, municipality, resident, routed):
    reports = [routed(resident) for _ in range(23)]
    client = browser()
    url = f"/m/{municipality.slug}/reports/"

    first = client.get(url, {"category": "light"})
    second = client.get(url, {"category": "light", "page": "2"})

    newest_first = [r.pk for r in reversed(reports)]
    assert linked_ids(first.content.decode(), municipality) == newest_first[:20]
    assert linked_ids(second.content.decode(), municipality) == newest_first[20:]
    assert 'href="?category=light&amp;page=2"' in first.content.decode()
    assert client.get(url, {"page": "abc"}).context["page"].number == 1
    assert client.get(url, {"page": "99"}).context["page"].number == 2


@pytest.mark.parametrize(
    ("query", "folded"),
    [
        ({}, True),
        ({"page": "2"}, True),
        ({"category": ""}, True),
        ({"category": "light"}, False),
        ({"overdue": "on"}, False),
    ],
)
def test_the_list_folds_its_filters_unless_one_is_set(browser, municipality, query, folded):
    """On a phone the filters fold behind one button (a <details>); a filter in the query opens it,
    the page number alone does not."""
    html = browser().get(f"/m/{municipality.slug}/reports/", query).content.decode()

    fold = re.search(r"<details class=\"fold\"( open)?><summary[^>]*>Filters</summary>", html)
    assert fold is not None
    assert (fold.group(1) is None) == folded


def test_the_map_page_loads_the_clusters_with_its_filters(browser, municipality):
    response = browser().get(f"/m/{municipality.slug}/reports/map/", {"category": "light"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="report-map"' in html
    assert f'data-source="/m/{municipality.slug}/reports/map.json?category=light"' in html
    assert f'data-detail="/m/{municipality.slug}/reports/"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"bbox": "55.7,37.5,55.8,37.7", "zoom": "12"},
        {},
        {"zoom": "12"},
        {"bbox": "55.7,37.5,55.8", "zoom": "12"},
        {"bbox": "55.7,37.5,55.8,37.7,1", "zoom": "12"},
        {"bbox": "55.8,37.5,55.7,37.7", "zoom": "12"},
        {"bbox": "a,b,c,d", "zoom": "12"},
        {"bbox": "nan,37.5,55.8,37.7", "zoom": "12"},
        {"bbox": "-91,37.5,55.8,37.7", "zoom": "12"},
        {"bbox": "55.7,37.5,55.8,181", "zoom": "12"},
        {"bbox": "55.7,37.5,55.8,37.7", "zoom": "23"},
        {"bbox": "55.7,37.5,55.8,37.7", "zoom": "-1"},
        {"bbox": "55.7,37.5,55.8,37.7", "zoom": "abc"},
        {"bbox": "55.7,37.5,55.8,37.7", "zoom": "12.5"},
        {"bbox": "55.7,37.5,55.8,37.7", "zoom": "9" * 400},
        # A box too large for any cell zoom, with a zoom that is none: the zoom is what is wrong.
        {"bbox": "-90,-180,90,180", "zoom": "-1"},
        {"bbox": "-90,-180,90,180", "zoom": "abc"},
    ],
)
def test_map_data_checks_the_box_and_the_zoom(browser, municipality, query):
    response = browser().get(f"/m/{municipality.slug}/reports/map.json", query)

    if query == {"bbox": "55.7,37.5,55.8,37.7", "zoom": "12"}:
        assert response.status_code == 200
        assert response.json() == {"clusters": [], "pins": []}
    else:
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "error": {
                "code": "invalid",
                "message": "Give bbox=south,west,north,east and zoom 0-22.",
                "fields": {},
            }
        }


@pytest.fixture
def on_the_map(municipality, resident, moderator, official, submit, routed, photo) -> dict[str, Report]:
    """Two public reports ten metres apart, one 8 km away, one outside the box, one unmoderated."""
    pothole = municipality.categories.get(slug="pothole")
    return {
        "a": routed(resident, latitude=55.7500, longitude=37.6100),
        "b": services.report_start(
            official=official,
            report=routed(resident, category=pothole, photos=[photo()], latitude=55.7501, longitude=37.6101),
        ),
        "far": routed(resident, latitude=55.8000, longitude=37.7000),
        "outside": routed(resident, latitude=56.5, longitude=37.61),
        "unmoderated": submit(resident, latitude=55.7500, longitude=37.6100),
    }


def test_map_clusters_count_the_public_reports_in_the_box(browser, municipality, on_the_map):
    client = browser()
    url = f"/m/{municipality.slug}/reports/map.json"

    shown = client.get(url, {"bbox": "55.6,37.4,55.9,37.8", "zoom": "12"}).json()
    lights_only = client.get(url, {"bbox": "55.6,37.4,55.9,37.8", "zoom": "12", "category": "light"}).json()

    # The two reports ten metres apart share a cell: a cluster; the far one alone is its pin.
    [pair] = shown["clusters"]
    assert (pair["count"], pair["open"]) == (2, 2)
    assert abs(pair["lat"] - 55.75) < 0.03 and abs(pair["lon"] - 37.61) < 0.03
    assert "id" not in pair
    assert [p["id"] for p in shown["pins"]] == [on_the_map["far"].pk]
    # Of the lights, a and far: each alone in its cell, so two pins.
    assert lights_only["clusters"] == []
    assert sorted(p["id"] for p in lights_only["pins"]) == sorted([on_the_map["a"].pk, on_the_map["far"].pk])


def test_map_at_street_zoom_shows_each_report(browser, municipality, on_the_map):
    response = browser().get(
        f"/m/{municipality.slug}/reports/map.json", {"bbox": "55.749,37.609,55.751,37.611", "zoom": "17"}
    )

    assert response.json()["clusters"] == []
    points = sorted(response.json()["pins"], key=lambda c: c["id"])
    a, b = on_the_map["a"], on_the_map["b"]
    assert [(p["id"], p["lat"], p["lon"], p["status"]) for p in points] == [
        (a.pk, 55.75, 37.61, "routed"),
        (b.pk, 55.7501, 37.6101, "in_progress"),
    ]


def test_the_atom_feed_is_valid_and_has_public_reports_without_email_addresses(
    browser, municipality, resident, moderator, lights, city
):
    open311 = services.report_submit(
        author=None,
        municipality=municipality,
        category=lights,
        latitude=55.7,
        longitude=37.6,
        description="Lamp out near the school",
        source=Source.OPEN311,
        reporter_name="Ivan",
        reporter_email="ivan.secret@example.net",
        reporter_phone="+7 900 000 00 00",
    )
    services.report_moderate(moderator=moderator, report=open311)

    response = browser().get(f"/m/{municipality.slug}/reports/feed.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "@" not in body
    assert "+7 900" not in body
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.fromstring(response.content).findall(f"{atom}entry")  # noqa: S314 - our own output
    linked = {int(e.find(f"{atom}link").get("href").rstrip("/").rsplit("/", 1)[1]) for e in entries}
    public = {"light_d1", "pothole_d2_started", "light_d2_resolved", "light_d1_overdue"}
    assert linked == {city[name].pk for name in public} | {open311.pk}


def test_the_report_page_shows_its_history(browser, municipality, resident, resolved):
    report = resolved(resident)
    services.report_dispute(author=resident, report=report, reason="Still dark <at night>")

    response = browser().get(page_url(report))

    html = response.content.decode()
    history = html[html.index('<ol class="history">') :]
    steps = re.findall(r"<strong>(.*?)</strong>", history)
    assert steps == [
        "submitted",
        "passed moderation",
        "routed to department",
        "resolved",
        "disputed by the author",
    ]
    assert "routed to department</strong>: Roads" in history
    assert "Still dark &lt;at night&gt;" in history
    assert "The lamp is fixed" in html
    assert html.count('<img src="/media/reports/') == 1


# Support


def test_me_too_on_the_page_counts_a_person_once_and_never_the_author(browser, resident, neighbour, routed):
    report = routed(resident)
    neighbour_client = browser(neighbour)
    support_url = page_url(report, "support/")

    assert support_url in neighbour_client.get(page_url(report)).content.decode()
    assert support_url not in browser(resident).get(page_url(report)).content.decode()
    first = neighbour_client.post(support_url, follow=True)
    again = neighbour_client.post(support_url, follow=True)
    own = browser(resident).post(support_url, follow=True)

    assert [r.redirect_chain for r in (first, again, own)] == [[(page_url(report), 302)]] * 3
    assert flashed(first) == ["Thank you, your support is counted."]
    assert flashed(again) == ["You already support this report."]
    assert flashed(own) == ["This is your own report."]
    report.refresh_from_db()
    assert report.supporters_count == 1
    assert list(ReportSupport.objects.values_list("user", flat=True)) == [neighbour.pk]


def test_a_report_waiting_for_moderation_cannot_be_supported(browser, submit, resident, moderator, neighbour):
    report = submit(resident)

    # The neighbour does not see it; a moderator sees it but may not support it yet.
    assert browser(neighbour).post(page_url(report, "support/")).status_code == 404
    response = browser(moderator).post(page_url(report, "support/"))

    assert flashed(response) == ["Only open reports can be supported."]
    assert Report.objects.get(pk=report.pk).supporters_count == 0
    assert not ReportSupport.objects.exists()


# Lifecycle steps from the report page


def _answer(photo: Callable[..., SimpleUploadedFile]) -> dict[str, Any]:
    return {"note": "Replaced the lamp", "photos": [photo()]}


STEPS = [
    # action, starting state, who may, who may not (and the answer), form, status after
    # An official does not see a report before moderation routes it to their department.
    ("moderate", "submitted", "moderator", ("official", 404), {}, Status.ROUTED),
    ("moderate", "submitted", "moderator", ("neighbour", 404), {}, Status.ROUTED),
    ("decline", "submitted", "moderator", ("author", 403), {"note": "Not a city matter"}, Status.DECLINED),
    ("start", "routed", "official", ("moderator", 403), {}, Status.IN_PROGRESS),
    ("start", "routed", "official", ("parks_official", 403), {}, Status.IN_PROGRESS),
    ("resolve", "routed", "official", ("author", 403), _answer, Status.RESOLVED),
    ("reject", "routed", "official", ("neighbour", 403), {"note": "Not ours"}, Status.REJECTED),
    ("reassign", "routed", "official", ("moderator", 403), {"note": "Parks own it"}, Status.ROUTED),
    ("confirm", "resolved", "author", ("neighbour", 403), {}, Status.CLOSED),
    ("dispute", "resolved", "author", ("official", 403), {"note": "Still dark"}, Status.IN_PROGRESS),
]


@pytest.fixture
def people(
    resident, neighbour, moderator, official, municipal_admin, make_user, municipality, parks
) -> dict[str, User]:
    parks_official = make_user("parks")
    Membership.objects.create(
        user=parks_official, municipality=municipality, role=Membership.Role.OFFICIAL, department=parks
    )
    return {
        "author": resident,
        "neighbour": neighbour,
        "moderator": moderator,
        "official": official,
        "parks_official": parks_official,
        "admin": municipal_admin,
    }


@pytest.mark.parametrize("rightful", [True, False], ids=["right-person", "wrong-person"])
@pytest.mark.parametrize(("action", "state", "right", "wrong", "form", "after"), STEPS)
def test_each_step_from_the_report_page(
    browser,
    people,
    submit,
    routed,
    resolved,
    photo,
    parks,
    rightful,
    action,
    state,
    right,
    wrong,
    form,
    after,
):
    report = {"submitted": submit, "routed": routed, "resolved": resolved}[state](people["author"])
    before = (report.status, report.department_id, ReportEvent.objects.filter(report=report).count())
    photos_before = ReportPhoto.objects.count()
    data = form(photo) if callable(form) else dict(form)
    if action == "reassign":
        data["department"] = parks.pk
    actor, refusal = (right, 302) if rightful else wrong

    response = browser(people[actor]).post(page_url(report, f"{action}/"), data)

    report.refresh_from_db()
    assert response.status_code == refusal
    if rightful:
        assert response["Location"] == page_url(report)
        assert flashed(response) == ["Done."]
        assert report.status == after
        assert ReportEvent.objects.filter(report=report).count() == before[2] + (
            2 if action == "moderate" else 1
        )
        if action == "reassign":
            assert report.department == parks
        assert ReportPhoto.objects.count() == photos_before + (action == "resolve")
    else:
        assert (
            report.status,
            report.department_id,
            ReportEvent.objects.filter(report=report).count(),
        ) == before
        assert ReportPhoto.objects.count() == photos_before


@pytest.mark.parametrize(
    ("action", "state", "actor", "form", "message"),
    [
        (
            "decline",
            "submitted",
            "moderator",
            {"note": ""},
            "Check the form: Reason: This field is required.",
        ),
        ("dispute", "resolved", "author", {"note": "  "}, "Check the form: Reason: This field is required."),
        (
            "reject",
            "routed",
            "official",
            {},
            "Check the form: Answer to the resident: This field is required.",
        ),
        ("resolve", "routed", "official", {"note": "Replaced the lamp"}, "Add a photo of the result."),
        (
            "resolve",
            "routed",
            "official",
            {"note": "Done", "photos": "not-a-file"},
            "Add a photo of the result.",
        ),
        (
            "reassign",
            "routed",
            "official",
            {"note": "Parks own it"},
            "Check the form: Department: This field is required.",
        ),
        (
            "reassign",
            "routed",
            "official",
            {"note": "x", "department": "roads"},
            "The report is already with this department.",
        ),
        ("start", "submitted", "admin", {}, "This cannot be done while the report is “submitted”."),
        (
            "confirm",
            "routed",
            "author",
            {},
            "This cannot be done while the report is “routed to department”.",
        ),
    ],
)
def test_a_step_with_missing_input_or_in_the_wrong_state_changes_nothing(
    browser, people, submit, routed, resolved, municipality, action, state, actor, form, message
):
    report = {"submitted": submit, "routed": routed, "resolved": resolved}[state](people["author"])
    before = (report.status, report.department_id, ReportEvent.objects.filter(report=report).count())
    data = dict(form)
    if data.get("department") == "roads":
        data["department"] = report.department_id

    response = browser(people[actor]).post(page_url(report, f"{action}/"), data)

    report.refresh_from_db()
    assert response.status_code == 302
    assert flashed(response) == [message]
    assert (report.status, report.department_id, ReportEvent.objects.filter(report=report).count()) == before


@pytest.mark.parametrize("action", ["bogus", "route", "close", "support-me"])
def test_an_unknown_step_is_not_found(browser, moderator, submit, resident, action):
    report = submit(resident)

    response = browser(moderator).post(page_url(report, f"{action}/"))

    assert response.status_code == 404
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_steps_are_taken_by_post_only(browser, moderator, submit, resident):
    report = submit(resident)

    assert browser(moderator).get(page_url(report, "moderate/")).status_code == 405
    assert browser().post(page_url(report, "moderate/")).status_code == 302  # to log in
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_a_report_of_another_municipality_is_not_found_under_this_one(
    browser, other_municipality, resident, routed
):
    report = routed(resident)

    response = browser(resident).get(f"/m/{other_municipality.slug}/reports/{report.pk}/")

    assert response.status_code == 404
