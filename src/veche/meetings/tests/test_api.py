"""The meetings' API: lists and reads, registering (201, repeats 200), the waiting list, cancelling."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.meetings.models import Kind, Registration
from veche.meetings.services import meeting_cancel, registration_make
from veche.meetings.tests.helpers import announce, running_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(municipality, municipal_admin):
    return running_project(municipal_admin, municipality)


def test_registering_answers_201_then_200_and_the_waiting_list(project, municipal_admin, api_for, make_user):
    meeting = announce(municipal_admin, project, capacity=1)
    first, second = api_for(make_user("first")), api_for(make_user("second"))
    url = f"/api/v1/meetings/{meeting.pk}/registrations"

    made = first.post(url, content_type="application/json")
    again = first.post(url, content_type="application/json")
    waiting = second.post(url, content_type="application/json")

    assert (
        made.status_code == 201 and made.json()["status"] == "confirmed" and made.json()["position"] is None
    )
    assert again.status_code == 200 and again.json()["created_at"] == made.json()["created_at"]
    assert waiting.status_code == 201 and waiting.json() == {
        **waiting.json(),
        "status": "waiting",
        "position": 1,
    }
    assert Registration.objects.count() == 2

    gone = first.post(url + "/mine/cancel", content_type="application/json")
    assert gone.status_code == 200 and gone.json()["status"] == "cancelled"
    mine = second.get(url + "/mine")
    assert mine.status_code == 200 and mine.json()["status"] == "confirmed"
    assert first.get(url + "/mine").status_code == 404
    again = first.post(url + "/mine/cancel", content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_registered"


def test_refusals_have_the_api_error_shape(project, municipal_admin, api_for, resident):
    meeting = announce(municipal_admin, project)
    meeting_cancel(actor=municipal_admin, meeting=meeting)
    client = api_for(resident)

    cancelled = client.post(f"/api/v1/meetings/{meeting.pk}/registrations", content_type="application/json")
    assert cancelled.status_code == 409 and cancelled.json()["error"]["code"] == "cancelled"
    assert Client().post(f"/api/v1/meetings/{meeting.pk}/registrations").status_code == 401
    for bad in ("999999", "abc", "-1", "99999999999999999999"):
        assert client.post(f"/api/v1/meetings/{bad}/registrations").status_code in (404, 422)
        assert client.get(f"/api/v1/meetings/{bad}").status_code in (404, 422)
    assert Client().get("/api/v1/projects/999999/meetings").status_code == 404
    assert not Registration.objects.exists()


def test_the_list_hides_links_from_those_without_a_place_in_fixed_queries(
    project, municipal_admin, api_for, resident
):
    link = "https://meet.example.org/park"
    meetings = [
        announce(
            municipal_admin,
            project,
            title=f"M{i}",
            kind=Kind.ONLINE,
            online_url=link,
            starts_at=timezone.now() + timedelta(days=i + 1),
        )
        for i in range(5)
    ]
    registration_make(user=resident, meeting=meetings[2])
    client = api_for(resident)
    url = f"/api/v1/projects/{project.pk}/meetings"
    client.get(url)

    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)

    body = answer.json()
    assert answer.status_code == 200 and [m["title"] for m in body["items"]] == [f"M{i}" for i in range(5)]
    assert [m["online_url"] for m in body["items"]] == [None, None, link, None, None]
    assert len(queries) <= 12, [q["sql"] for q in queries.captured_queries]
    assert Client().get(f"/api/v1/meetings/{meetings[2].pk}").json()["online_url"] is None
    assert client.get(f"/api/v1/meetings/{meetings[2].pk}").json()["online_url"] == link


def test_a_draft_projects_meetings_are_not_found(municipality, municipal_admin, api_for, resident):
    draft = running_project(municipal_admin, municipality, publish=False)
    meeting = announce(municipal_admin, draft)
    client = api_for(resident)
    assert client.get(f"/api/v1/meetings/{meeting.pk}").status_code == 404
    assert client.get(f"/api/v1/projects/{draft.pk}/meetings").status_code == 404
    assert client.post(f"/api/v1/meetings/{meeting.pk}/registrations").status_code == 404
    assert api_for(municipal_admin).post(f"/api/v1/meetings/{meeting.pk}/registrations").status_code == 409
