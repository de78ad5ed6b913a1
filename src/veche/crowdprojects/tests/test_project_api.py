"""The API of projects: a municipality's list (by status, with each timeline) and one project."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.accounts.tests.helpers import assert_api_error
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.services.projects import project_create, project_publish
from veche.crowdprojects.stages import TEMPLATES
from veche.crowdprojects.tests.helpers import project_in_stage

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def projects(municipality, other_municipality, municipal_admin, make_user):
    """A running, an upcoming and a finished project, a draft, and one of another municipality."""
    now = timezone.now()
    running = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING, title="Running"
    )
    upcoming = project_create(
        actor=municipal_admin,
        municipality=municipality,
        title="Upcoming",
        description="Soon",
        template="drafting",
        starts_at=now + timedelta(days=5),
    )
    project_publish(actor=municipal_admin, project=upcoming)
    finished = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.IMPLEMENTATION, title="Finished"
    )
    stages = list(finished.stages.order_by("position"))
    for n, stage in enumerate(stages):
        stage.starts_at, stage.ends_at = now - timedelta(days=100 - n), now - timedelta(days=99 - n)
        stage.save()
    finished.starts_at, finished.ends_at = stages[0].starts_at, stages[-1].ends_at
    finished.save()
    draft = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, title="Draft", publish=False
    )
    other_admin = make_user("otheradmin", role="admin", municipality=other_municipality)
    elsewhere = project_in_stage(
        actor=other_admin, municipality=other_municipality, kind=StageKind.IDEAS, title="Elsewhere"
    )
    return {
        "running": running,
        "upcoming": upcoming,
        "finished": finished,
        "draft": draft,
        "elsewhere": elsewhere,
    }


def titles(response):
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


def test_the_list_filters_by_status(client, municipality, projects):
    url = f"{API}/municipalities/{municipality.slug}/projects"
    assert titles(client.get(url)) == ["Finished", "Running", "Upcoming"]
    assert titles(client.get(url, {"status": "running"})) == ["Running"]
    assert titles(client.get(url, {"status": "upcoming"})) == ["Upcoming"]
    assert titles(client.get(url, {"status": "finished"})) == ["Finished"]


def test_the_shape_of_a_project(client, municipality, projects):
    response = client.get(f"{API}/municipalities/{municipality.slug}/projects", {"status": "running"})
    [item] = response.json()["items"]
    running = projects["running"]
    assert item["id"] == running.pk and item["status"] == "running"
    assert item["current_stage"] == StageKind.VOTING
    assert [s["kind"] for s in item["stages"]] == list(TEMPLATES["full"].kinds)
    assert {"kind", "starts", "ends"} <= set(item["stages"][0])
    assert item["tier"] == "registered" and item["districts"] == []
    upcoming = client.get(f"{API}/projects/{projects['upcoming'].pk}").json()
    assert upcoming["status"] == "upcoming" and upcoming["current_stage"] is None


def test_the_list_reads_a_fixed_number_of_queries(client, municipality, municipal_admin, projects):
    url = f"{API}/municipalities/{municipality.slug}/projects"
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(4):
        project_in_stage(
            actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, title=f"More {n}"
        )
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()["items"]) == 7
    assert len(many) == len(few) <= 8


def test_a_draft_is_found_only_by_staff(client, api_for, resident, municipal_admin, projects):
    url = f"{API}/projects/{projects['draft'].pk}"
    assert_api_error(client.get(url), 404, "not_found")
    assert_api_error(api_for(resident).get(url), 404, "not_found")
    assert api_for(municipal_admin).get(url).json()["title"] == "Draft"
    assert_api_error(client.get(f"{API}/projects/999999"), 404, "not_found")


@pytest.mark.parametrize("status", ["draft", "bogus", "<script>", "x" * 5000])
def test_a_bad_status_is_refused_in_the_api_error_shape(client, municipality, projects, status):
    response = client.get(f"{API}/municipalities/{municipality.slug}/projects", {"status": status})
    assert 400 <= response.status_code < 500
    assert_api_error(response, response.status_code)


def test_an_unknown_municipality_is_not_found(client, projects):
    assert_api_error(client.get(f"{API}/municipalities/nowhere/projects"), 404, "not_found")
    assert_api_error(client.get(f"{API}/projects/not-a-number"), client.get(f"{API}/projects/x").status_code)


@pytest.mark.language("en")
def test_errors_speak_english_when_asked(client, municipality, projects):
    response = client.get(
        f"{API}/municipalities/{municipality.slug}/projects",
        {"status": "bogus"},
        headers={"accept-language": "en"},
    )
    error = assert_api_error(response, response.status_code)
    assert error["message"].isascii()
