"""The JSON API of reports: lists, one report, filing with photos, support, lifecycle steps, errors."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client

from veche.municipalities.models import Municipality
from veche.reports.models import Report, ReportEvent, ReportPhoto, ReportSupport, Source, Status

pytestmark = pytest.mark.django_db


def reports_url(municipality: Municipality, tail: str = "") -> str:
    return f"/api/v1/municipalities/{municipality.slug}/reports{tail}"


def assert_error(response: HttpResponse, status: int, code: str, fields: set[str] | None = None) -> None:
    """The one error shape of the API, with its status, code and the fields it names."""
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert set(body["error"]["fields"]) == (fields or set())


def post_json(client: Client, url: str, data: dict[str, Any] | None = None) -> HttpResponse:
    return client.post(url, data or {}, content_type="application/json")


# Reading


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"light_d1", "pothole_d2_started", "light_d2_resolved", "light_d1_overdue"}),
        ({"category": "light"}, {"light_d1", "light_d2_resolved", "light_d1_overdue"}),
        ({"district": "d2"}, {"pothole_d2_started", "light_d2_resolved"}),
        ({"status": "open"}, {"light_d1", "pothole_d2_started", "light_d1_overdue"}),
        ({"status": "resolved"}, {"light_d2_resolved"}),
        ({"status": "submitted"}, set()),
        ({"overdue": "true"}, {"light_d1_overdue"}),
        ({"category": "light", "district": "d1", "status": "open"}, {"light_d1", "light_d1_overdue"}),
    ],
)
def test_the_list_filters_public_reports(client, municipality, city, query, expected):
    response = client.get(reports_url(municipality), query)

    assert response.status_code == 200
    body = response.json()
    assert {item["id"] for item in body["items"]} == {city[name].pk for name in expected}
    assert body["count"] == len(expected)
    assert {item["overdue"] for item in body["items"] if item["id"] == city["light_d1_overdue"].pk} <= {True}


def test_the_list_pages_with_limit_and_offset(client, municipality, resident, routed):
    reports = [routed(resident) for _ in range(5)]
    newest_first = [r.pk for r in reversed(reports)]

    first = client.get(reports_url(municipality), {"limit": 2}).json()
    last = client.get(reports_url(municipality), {"limit": 2, "offset": 4}).json()

    assert [item["id"] for item in first["items"]] == newest_first[:2]
    assert [item["id"] for item in last["items"]] == newest_first[4:]
    assert first["count"] == last["count"] == 5
    item = first["items"][0]
    assert item["url"] == f"/m/{municipality.slug}/reports/{newest_first[0]}/"
    assert (item["category"], item["status"], item["department"]) == ("light", "routed", "Дороги")
    assert "reporter_email" not in item and "author" not in item


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "abc"},
        {"limit": "0"},
        {"offset": "-1"},
        {"offset": str(2**63)},  # past what the databases' integers hold: a 500 once
        {"limit": str(2**63)},
        {"overdue": "maybe"},
        {"category": "light\x00"},
        {"district": "d1' OR 1=1 --"},
        {"category": "x" * 61},
    ],
)
def test_the_list_refuses_bad_parameters_in_the_error_shape(client, municipality, city, query):
    response = client.get(reports_url(municipality), query)

    assert_error(response, 422, "validation_error", set(query))


def test_one_report_with_its_history_and_photos(client, municipality, resident, resolved):
    report = resolved(resident)

    response = client.get(reports_url(municipality, f"/{report.pk}"))

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["status"], body["answer"]) == (report.pk, "resolved", "The lamp is fixed")
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in body["history"]] == [
        ("submitted", "", "submitted"),
        ("moderated", "submitted", "moderated"),
        ("routed", "moderated", "routed"),
        ("resolved", "routed", "resolved"),
    ]
    assert body["history"][-1]["note"] == "The lamp is fixed"
    stored = ReportPhoto.objects.get(report=report)
    assert body["photos"] == [f"/media/{stored.image.name}"]


@pytest.mark.parametrize("who", ["author", "anonymous", "neighbour"])
def test_a_report_waiting_for_moderation_is_shown_to_its_author_only(
    api, client, municipality, resident, neighbour, submit, who
):
    report = submit(resident)
    reader = {"author": api(resident), "neighbour": api(neighbour), "anonymous": client}[who]

    response = reader.get(reports_url(municipality, f"/{report.pk}"))

    if who == "author":
        assert response.status_code == 200
        assert response.json()["status"] == "submitted"
    else:
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("where", ["here", "unknown id", "other municipality", "bad id"])
def test_a_report_is_found_under_its_own_municipality_only(
    client, municipality, other_municipality, resident, routed, where
):
    report = routed(resident)
    url = {
        "here": reports_url(municipality, f"/{report.pk}"),
        "unknown id": reports_url(municipality, f"/{report.pk + 1000}"),
        "other municipality": reports_url(other_municipality, f"/{report.pk}"),
        "bad id": reports_url(municipality, "/99999999999999999999999"),
    }[where]

    response = client.get(url)

    if where == "here":
        assert response.status_code == 200
    else:
        assert_error(response, 404, "not_found")


# Filing


def test_filing_a_report_with_photos(api, municipality, resident, photo):
    response = api(resident).post(
        reports_url(municipality),
        {
            "category": "pothole",
            "latitude": "55.76",
            "longitude": "37.62",
            "description": "A deep hole",
            "address": "Lenina 5",
            "photos": [photo("a.jpg"), photo("b.png")],
        },
    )

    assert response.status_code == 201
    report = Report.objects.get()
    assert response.json()["id"] == report.pk
    assert response.json()["status"] == "submitted"
    assert (report.author, report.source, report.category.slug) == (resident, Source.API, "pothole")
    assert (report.latitude, report.longitude, report.description) == (55.76, 37.62, "A deep hole")
    assert report.photos.count() == 2


@pytest.fixture
def text_file() -> Callable[[], SimpleUploadedFile]:
    return lambda: SimpleUploadedFile(
        "photo.jpg", b"just some text, not a picture", content_type="image/jpeg"
    )


@pytest.mark.parametrize(
    ("changes", "status", "code", "fields"),
    [
        ({}, 201, None, None),
        ({"latitude": "91"}, 422, "validation_error", {"latitude"}),
        ({"longitude": "abc"}, 422, "validation_error", {"longitude"}),
        ({"description": None}, 422, "validation_error", {"description"}),
        ({"description": "x" * 4001}, 422, "validation_error", {"description"}),
        ({"category": "no-such"}, 400, "invalid", {"category"}),
        ({"category": "pot\x00hole"}, 422, "validation_error", {"category"}),
        ({"description": "a\x00b"}, 422, "validation_error", {"description"}),
        ({"photos": None}, 400, "invalid", {"photos"}),
        ({"photos": 6}, 400, "invalid", {"photos"}),
        ({"photos": "text"}, 400, "invalid", {"photos"}),
    ],
)
def test_filing_refuses_bad_input_in_the_error_shape_and_stores_nothing(
    api, municipality, resident, photo, text_file, changes, status, code, fields
):
    data: dict[str, Any] = {
        "category": "pothole",
        "latitude": "55.76",
        "longitude": "37.62",
        "description": "A deep hole",
        "photos": [photo()],
    }
    for name, value in changes.items():
        if value is None:
            del data[name]
        elif name == "photos":
            data[name] = [text_file()] if value == "text" else [photo(f"{i}.jpg") for i in range(value)]
        else:
            data[name] = value

    response = api(resident).post(reports_url(municipality), data)

    if code is None:
        assert response.status_code == status
        assert Report.objects.count() == 1
    else:
        assert_error(response, status, code, fields)
        assert not Report.objects.exists()
        assert not ReportPhoto.objects.exists()


@pytest.mark.parametrize(
    ("who", "status", "code"), [("confirmed", 201, None), ("unconfirmed", 403, "forbidden")]
)
def test_filing_needs_a_confirmed_account(api, make_user, municipality, lights, who, status, code):
    user = make_user(who, confirmed=who == "confirmed")

    response = api(user).post(
        reports_url(municipality),
        {"category": "light", "latitude": "55.7", "longitude": "37.6", "description": "Dark street corner"},
    )

    if code is None:
        assert response.status_code == status
        assert Report.objects.get().author == user
    else:
        assert_error(response, status, code)
        assert not Report.objects.exists()


def test_filing_without_a_token_is_unauthorized(client, municipality, lights):
    response = client.post(
        reports_url(municipality),
        {"category": "light", "latitude": "55.7", "longitude": "37.6", "description": "Dark street corner"},
    )

    assert_error(response, 401, "unauthorized")
    assert not Report.objects.exists()


# Support and lifecycle steps


def test_support_through_the_api_counts_once(api, municipality, resident, neighbour, routed):
    report = routed(resident)
    url = reports_url(municipality, f"/{report.pk}/support")

    first = api(neighbour).post(url)
    again = api(neighbour).post(url)
    own = api(resident).post(url)

    assert (first.status_code, first.json()) == (200, {"supported": True, "supporters_count": 1})
    assert (again.status_code, again.json()) == (200, {"supported": False, "supporters_count": 1})
    assert_error(own, 409, "conflict")
    assert ReportSupport.objects.filter(report=report).count() == 1


API_STEPS = [
    # action, starting state, who may, who may not (and the answer), body, status after
    # An official does not see a report before moderation routes it to their department.
    ("moderate", "submitted", "moderator", ("official", 404), {}, Status.ROUTED),
    ("moderate", "submitted", "moderator", ("neighbour", 404), {}, Status.ROUTED),
    ("decline", "submitted", "moderator", ("author", 403), {"note": "Not a city matter"}, Status.DECLINED),
    ("start", "routed", "official", ("moderator", 403), {}, Status.IN_PROGRESS),
    ("reject", "routed", "official", ("author", 403), {"note": "Not ours"}, Status.REJECTED),
    ("reassign", "routed", "official", ("neighbour", 403), {"note": "Parks own it"}, Status.ROUTED),
    ("confirm", "resolved", "author", ("neighbour", 403), {}, Status.CLOSED),
    ("dispute", "resolved", "author", ("official", 403), {"note": "Still dark"}, Status.IN_PROGRESS),
]


@pytest.fixture
def api_people(resident, neighbour, moderator, official) -> dict[str, Any]:
    return {"author": resident, "neighbour": neighbour, "moderator": moderator, "official": official}


@pytest.mark.parametrize("rightful", [True, False], ids=["right-person", "wrong-person"])
@pytest.mark.parametrize(("action", "state", "right", "wrong", "body", "after"), API_STEPS)
def test_each_lifecycle_step_through_the_api(
    api,
    municipality,
    api_people,
    submit,
    routed,
    resolved,
    parks,
    rightful,
    action,
    state,
    right,
    wrong,
    body,
    after,
):
    report = {"submitted": submit, "routed": routed, "resolved": resolved}[state](api_people["author"])
    before = (report.status, report.department_id, ReportEvent.objects.filter(report=report).count())
    data = dict(body, **({"department": parks.pk} if action == "reassign" else {}))
    actor, refusal = (right, 200) if rightful else wrong

    response = post_json(api(api_people[actor]), reports_url(municipality, f"/{report.pk}/{action}"), data)

    report.refresh_from_db()
    if rightful:
        assert response.status_code == 200
        assert response.json()["status"] == after == report.status
        assert response.json()["id"] == report.pk
        if action == "reassign":
            assert report.department == parks
    else:
        assert_error(response, refusal, {403: "forbidden", 404: "not_found"}[refusal])
        assert (
            report.status,
            report.department_id,
            ReportEvent.objects.filter(report=report).count(),
        ) == before


@pytest.mark.parametrize(
    ("action", "state", "actor", "body", "status", "code", "fields"),
    [
        ("decline", "submitted", "moderator", {}, 400, "invalid", {"note"}),
        ("reassign", "routed", "official", {"note": "Parks"}, 400, "invalid", {"department"}),
        (
            "reassign",
            "routed",
            "official",
            {"note": "Parks", "department": "x"},
            422,
            "validation_error",
            {"department"},
        ),
        ("dispute", "resolved", "author", {"note": "x" * 4001}, 422, "validation_error", {"note"}),
        ("start", "submitted", "official", {}, 404, "not_found", set()),
        ("confirm", "routed", "author", {}, 409, "invalid_transition", set()),
        ("resolve", "routed", "official", {"note": "Done"}, 422, "validation_error", {"action"}),
        ("bogus", "routed", "official", {}, 422, "validation_error", {"action"}),
    ],
)
def test_a_step_with_bad_input_changes_nothing(
    api, municipality, api_people, submit, routed, resolved, action, state, actor, body, status, code, fields
):
    report = {"submitted": submit, "routed": routed, "resolved": resolved}[state](api_people["author"])
    before = (report.status, report.department_id, ReportEvent.objects.filter(report=report).count())

    response = post_json(api(api_people[actor]), reports_url(municipality, f"/{report.pk}/{action}"), body)

    assert_error(response, status, code, fields)
    report.refresh_from_db()
    assert (report.status, report.department_id, ReportEvent.objects.filter(report=report).count()) == before


@pytest.mark.parametrize("where", ["unknown id", "other municipality"])
def test_a_step_on_a_report_that_is_not_there_is_not_found(
    api, municipality, other_municipality, resident, moderator, submit, where
):
    report = submit(resident)
    slug_and_id = {
        "unknown id": (municipality, report.pk + 1000),
        "other municipality": (other_municipality, report.pk),
    }[where]

    response = post_json(api(moderator), reports_url(slug_and_id[0], f"/{slug_and_id[1]}/moderate"))

    assert_error(response, 404, "not_found")
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED
