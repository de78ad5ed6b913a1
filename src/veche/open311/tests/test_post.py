"""POST requests: form-encoded, checked against the key, the location and the service definition."""

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from veche.open311 import services
from veche.open311.models import Submission
from veche.open311.tests.helpers import BASE, as_json, errors, parse, valid_fields
from veche.reports.models import Report, ReportEvent, Source, Status

pytestmark = pytest.mark.django_db


def test_a_valid_request_becomes_a_report_awaiting_moderation(post, secret, definition, key):
    response = post(valid_fields(secret))
    assert response.status_code == 200
    root = parse(response)
    assert root.tag == "service_requests"
    request = root.find("request")
    # A moderator passes every report first, so the answer is a token, never an id (nor both).
    assert [child.tag for child in request] == ["token", "service_notice", "account_id"]
    report = Report.objects.get(open311_token__token=request.findtext("token"))
    assert "Дороги" in request.findtext("service_notice")
    assert request.findtext("account_id") == "acc-7"

    assert (report.source, report.status, report.author) == (Source.OPEN311, Status.SUBMITTED, None)
    assert report.category.slug == "light"
    assert (report.latitude, report.longitude, report.address) == (55.7512, 37.6184, "Tverskaya 1")
    assert report.attributes == {"height": 7.5, "place": "road", "issues": ["out", "bent"]}
    assert (report.reporter_name, report.reporter_email, report.reporter_phone, report.device_id) == (
        "Anna Secretova",
        "anna@example.org",
        "+7 900 123-45-67",
        "device-42",
    )
    submission = Submission.objects.get(report=report)
    assert (submission.api_key, submission.account_id, submission.media_url) == (
        key[0],
        "acc-7",
        "https://img.example.org/lamp.jpg",
    )
    assert not submission.approximate_location
    assert list(ReportEvent.objects.filter(report=report).values_list("kind", flat=True)) == ["submitted"]
    key[0].refresh_from_db()
    assert key[0].last_used_at is not None


def test_the_json_answer_is_an_array_of_one(post, secret, definition):
    response = post(valid_fields(secret, account_id=""), "json")
    document = as_json(response)
    assert isinstance(document, list) and len(document) == 1
    assert set(document[0]) == {"token", "service_notice", "account_id"}
    assert len(document[0]["token"]) == 32 and document[0]["account_id"] is None


@pytest.mark.parametrize(
    ("api_key", "expected"),
    [
        (None, "api_key is missing -- can't proceed with create_request."),
        ("", "api_key is missing -- can't proceed with create_request."),
        ("deadbeef.not-the-key", "Invalid api_key received -- can't proceed with create_request."),
    ],
)
def test_a_missing_or_wrong_key_is_403(post, secret, definition, api_key, expected):
    response = post(valid_fields(secret, api_key=api_key))
    assert response.status_code == 403
    assert errors(response) == [("403", expected)]
    assert not Report.objects.exists()
    assert post(valid_fields(secret)).status_code == 200  # the same request with the key passes


def test_a_revoked_key_and_another_municipalitys_key_are_403(
    post, secret, key, definition, other_municipality
):
    foreign_key, foreign_secret = services.api_key_create(
        actor=None, municipality=other_municipality, name="x"
    )
    response = post(valid_fields(foreign_secret, jurisdiction_id="testgrad"))
    assert response.status_code == 403
    services.api_key_revoke(actor=None, api_key=key[0])
    response = post(valid_fields(secret, jurisdiction_id="testgrad"))
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_service_code_must_name_an_active_service(post, secret, definition, lights):
    response = post(valid_fields(secret, service_code="unicorns"))
    # The spec: "404 - service_code or jurisdiction_id was not found".
    assert response.status_code == 404
    assert errors(response) == [("404", "service_code 'unicorns' was not found.")]
    response = post(valid_fields(secret, service_code=""))
    assert response.status_code == 400
    assert errors(response) == [("400", "service_code was not provided.")]
    lights.is_active = False
    lights.save()
    assert post(valid_fields(secret)).status_code == 404
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"lat": None, "long": None, "address_string": None},
            "location: Send lat and long, or address_string, or address_id.",
        ),
        ({"lat": "91"}, "lat: lat must be a number from -90 to 90 (WGS84)."),
        ({"long": "200"}, "long: long must be a number from -180 to 180 (WGS84)."),
        ({"lat": "north"}, "lat: lat must be a number from -90 to 90 (WGS84)."),
        ({"long": ""}, "long: Send lat and long together."),
        ({"description": "x" * 4001}, "description: At most 4000 characters."),
        ({"attribute[height]": None}, "attribute[height]: This attribute is required."),
        ({"attribute[height]": "tall"}, "attribute[height]: Send a number."),
        ({"attribute[place]": "roof"}, "attribute[place]: Not among the listed values."),
        (
            {"attribute[issues][]": ["out", "melted"]},
            "attribute[issues]: Not among the listed values: melted.",
        ),
        ({"attribute[colour]": "red"}, "attribute[colour]: This service has no such attribute."),
        ({"email": "not-an-address"}, "email: Send a valid e-mail address."),
        ({"media_url": "javascript:alert(1)"}, "media_url: Send an http or https URL."),
        ({"phone": "1" * 51}, "phone: At most 50 characters."),
    ],
)
def test_invalid_requests_are_400_and_file_nothing(post, secret, definition, overrides, expected):
    response = post(valid_fields(secret, **overrides))
    assert response.status_code == 400
    assert expected in [description for _code, description in errors(response)]
    assert not Report.objects.exists()


def test_every_problem_is_reported_at_once(post, secret, definition):
    response = post(
        valid_fields(secret, lat="91", **{"attribute[height]": None, "attribute[place]": "roof"}), "json"
    )
    assert response.status_code == 400
    described = [error["description"].split(":")[0] for error in as_json(response)]
    assert set(described) == {"lat", "attribute[height]", "attribute[place]"}
    assert {error["code"] for error in as_json(response)} == {400}


def test_4000_characters_are_allowed(post, secret, definition):
    assert post(valid_fields(secret, description="я" * 4000)).status_code == 200


def test_an_address_alone_is_a_location(post, secret, definition, municipality):
    response = post(
        valid_fields(secret, lat=None, long=None, address_string="Arbat 10", address_id="A-17"), "json"
    )
    assert response.status_code == 200
    report = Report.objects.get()
    # No geocoder: the report stands at the centre, flagged, until a moderator places it.
    assert (report.latitude, report.longitude) == (municipality.latitude, municipality.longitude)
    assert report.open311_submission.approximate_location
    assert report.open311_submission.address_id == "A-17"


def test_without_a_description_the_answers_describe_the_problem(post, secret, definition):
    assert post(valid_fields(secret, description="")).status_code == 200
    assert (
        Report.objects.get().description
        == "Height of the pole, m: 7.5\nWhere: Road\nWhat is wrong: Out, Bent"
    )


def test_categories_that_need_a_photo_take_it_as_a_media_url(post, secret):
    no_attributes = {"attribute[height]": None, "attribute[place]": None, "attribute[issues][]": None}
    fields = valid_fields(secret, service_code="pothole", media_url=None, **no_attributes)
    response = post(fields)
    assert response.status_code == 400
    assert errors(response) == [
        ("400", "media_url: This service needs a photo of the problem: send its media_url.")
    ]
    assert not Report.objects.exists()

    response = post({**fields, "media_url": "https://photos.example.org/pothole.jpg"})
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.open311_submission.media_url == "https://photos.example.org/pothole.jpg"
    assert not report.photos.exists()  # kept as a link, never fetched


def test_a_replayed_post_files_a_second_request(post, secret, definition):
    """The spec gives POST no idempotency: each POST is a new request, as a second phone call would
    be. Duplicates are declined by moderators (the spec's own example status_notes is "Duplicate
    request.")."""
    fields = valid_fields(secret)
    first = as_json(post(fields, "json"))[0]["token"]
    second = as_json(post(fields, "json"))[0]["token"]
    assert first != second
    assert Report.objects.count() == 2
    assert set(Report.objects.values_list("open311_token__token", flat=True)) == {first, second}


def test_html_in_the_description_is_kept_as_text_and_escaped(post, secret, definition, moderator, client):
    from veche.reports.services import report_moderate

    text = '<script>alert("x")</script> & <b>bold</b>'
    response = post(valid_fields(secret, description=text), "json")
    report = Report.objects.get(open311_token__token=as_json(response)[0]["token"])
    assert report.description == text
    report_moderate(moderator=moderator, report=report)
    response = client.get(f"{BASE}/requests/{report.pk}.xml")
    assert b"<script>" not in response.content
    assert b"&lt;script&gt;" in response.content
    assert parse(response).findtext("request/description") == text
    assert as_json(client.get(f"{BASE}/requests/{report.pk}.json"))[0]["description"] == text


def test_post_needs_no_csrf_token_and_takes_the_key_from_the_body(secret, definition):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{BASE}/requests.xml", valid_fields(secret))
    assert response.status_code == 200


def test_the_jurisdiction_may_be_named_in_the_body(post, secret, definition, other_municipality):
    assert post(valid_fields(secret)).status_code == 400
    assert post(valid_fields(secret, jurisdiction_id="testgrad")).status_code == 200


@override_settings(RATE_LIMITS={"open311": "2/3600"})
def test_posts_are_rate_limited(post, secret, definition):
    assert post(valid_fields(secret)).status_code == 200
    assert post(valid_fields(secret)).status_code == 200
    response = post(valid_fields(secret), "json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert as_json(response)[0]["code"] == 429
    assert Report.objects.count() == 2


@override_settings(RATE_LIMITS={"open311": "3/3600"})
def test_guessing_keys_is_rate_limited_by_address(post, secret, definition):
    for _ in range(3):
        assert post(valid_fields("guess.guess")).status_code == 403
    assert post(valid_fields(secret)).status_code == 429


def test_reports_filed_through_open311_follow_the_usual_lifecycle(filed, moderator, official):
    from veche.reports.services import report_moderate, report_reject

    report = filed()
    report = report_moderate(moderator=moderator, report=report)
    assert report.status == Status.ROUTED and report.department is not None
    report = report_reject(official=official, report=report, reason="Not ours", now=timezone.now())
    assert report.status == Status.REJECTED
