"""The API of ideas: the list (its query count), proposing, supporting once, similar ideas, bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.crowdprojects.models import Idea, IdeaSupport, ProjectTier, StageKind
from veche.crowdprojects.services.ideas import idea_create, idea_merge, idea_support
from veche.crowdprojects.tests.helpers import project_in_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(municipality, municipal_admin):
    return project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)


@pytest.fixture
def propose(project):
    def make(author, title="Benches by the pond", body="Put new benches along the pond path.", **extra):
        return idea_create(
            author=author, project=project, title=title, body=body, now=timezone.now(), **extra
        )

    return make


def test_the_list_shape_and_its_query_count(client, project, propose, resident, make_user, municipal_admin):
    first = propose(resident, tags="park", latitude=55.75, longitude=37.61)
    url = f"/api/v1/projects/{project.pk}/ideas"
    with CaptureQueriesContext(connection) as one:
        answer = client.get(url)
    assert answer.status_code == 200
    item = answer.json()["items"][0]
    assert item["title"] == first.title and item["tags"] == ["park"]
    assert item["point"] == {"latitude": 55.75, "longitude": 37.61}
    assert (
        item["authors"] == ["resident"]
        and item["supporters"] == 0
        and item["url"] == first.get_absolute_url()
    )
    for i in range(5):
        propose(make_user(f"a{i}"), title=f"Idea {i}")
    merged = propose(make_user("merged"), title="Merged")
    idea_support(user=make_user("fan"), idea=merged, now=timezone.now())
    idea_merge(actor=municipal_admin, source=merged, target=first, reason="", now=timezone.now())
    with CaptureQueriesContext(connection) as many:
        answer = client.get(url, {"sort": "popular"})
    assert len(many) == len(one)
    items = answer.json()["items"]
    assert len(items) == 6 and items[0]["id"] == first.pk
    assert items[0]["authors"] == ["resident", "merged"]
    assert [i["title"] for i in client.get(url, {"tag": "park"}).json()["items"]] == [first.title]


def test_propose_through_the_api(api_for, project, resident):
    api = api_for(resident)
    url = f"/api/v1/projects/{project.pk}/ideas"
    answer = api.post(
        url,
        {"title": "<script>x</script>", "body": "A fountain in the square.", "tags": ["Water", "square"]},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["title"] == "<script>x</script>" and answer.json()["tags"] == ["water", "square"]
    assert "<script>" not in answer.json()["body_html"]


@pytest.mark.parametrize(
    "payload",
    [
        {"title": 5, "body": "A fountain in the square."},
        {"title": "Fountain", "body": ["list"]},
        {"title": "Fountain"},
        {"title": "Fountain", "body": "short"},
        {"title": "x" * 10_000, "body": "A fountain in the square."},
        {"title": "Fountain", "body": "A fountain in the square.", "latitude": "north", "longitude": 1},
        {"title": "Fountain", "body": "A fountain in the square.", "latitude": 55.7},
        {"title": "Fountain", "body": "A fountain in the square.", "tags": {"a": 1}},
        {
            "title": "Fountain",
            "body": "A fountain in the square.",
            "tags": ",".join(f"t{i}" for i in range(20)),
        },
    ],
)
def test_bad_input_gets_the_error_shape_and_writes_nothing(api_for, project, resident, payload):
    answer = api_for(resident).post(
        f"/api/v1/projects/{project.pk}/ideas", payload, content_type="application/json"
    )
    assert 400 <= answer.status_code < 500
    assert "error" in answer.json() and answer.json()["error"]["code"]
    assert not Idea.objects.exists()


def test_outside_the_ideas_stage_the_api_answers_409(api_for, municipality, municipal_admin, resident):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    answer = api_for(resident).post(
        f"/api/v1/projects/{project.pk}/ideas",
        {"title": "Late", "body": "Too late for ideas here."},
        content_type="application/json",
    )
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "not_collecting"
    assert answer.json()["error"]["message"]


def test_support_once_201_then_200_with_the_first(api_for, propose, resident, make_user):
    idea = propose(resident)
    api = api_for(make_user("fan"))
    first = api.post(f"/api/v1/ideas/{idea.pk}/supports")
    assert first.status_code == 201
    assert first.json()["receipt"] and first.json()["supporters"] == 1 and first.json()["idea"] == idea.pk
    again = api.post(f"/api/v1/ideas/{idea.pk}/supports")
    assert again.status_code == 200 and again.json()["receipt"] == first.json()["receipt"]
    assert IdeaSupport.objects.count() == 1
    assert api.post("/api/v1/ideas/999999/supports").status_code == 404
    assert api.post("/api/v1/ideas/abc/supports").status_code in (404, 422)


def test_supporting_a_merged_idea_is_refused(api_for, propose, resident, author, municipal_admin, make_user):
    source, target = propose(author, title="One"), propose(resident, title="Two")
    idea_merge(actor=municipal_admin, source=source, target=target, reason="", now=timezone.now())
    answer = api_for(make_user("late")).post(f"/api/v1/ideas/{source.pk}/supports")
    assert answer.status_code == 409 and answer.json()["error"]["message"]


def test_ideas_of_a_draft_project_are_not_found(client, api_for, municipality, municipal_admin, resident):
    draft = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, publish=False
    )
    idea = Idea.objects.create(
        municipality=municipality,
        project=draft,
        author=resident,
        title="T",
        body="Body",
        created_at=timezone.now(),
    )
    assert client.get(f"/api/v1/projects/{draft.pk}/ideas").status_code == 404
    assert api_for(resident).post(f"/api/v1/ideas/{idea.pk}/supports").status_code == 404


def test_similar_ideas_through_the_api(client, project, propose, resident):
    bench = propose(resident, title="Скамейки у пруда", body="Новые скамейки у пруда.")
    propose(resident, title="Велодорожка", body="Велодорожка вдоль реки до моста.")
    url = f"/api/v1/projects/{project.pk}/ideas/similar"
    answer = client.get(url, {"text": "скамейка"})
    assert answer.status_code == 200 and [i["id"] for i in answer.json()] == [bench.pk]
    assert client.get(url, {"text": "benches"}).json() == []
    assert client.get(url).status_code in (400, 422)
    assert client.get(url, {"text": "x" * 6000}).status_code in (400, 422)


def test_support_outside_the_project_districts_is_403(
    api_for, municipality, municipal_admin, resident_of, central, northern
):
    project = project_in_stage(
        actor=municipal_admin,
        municipality=municipality,
        kind=StageKind.IDEAS,
        tier=ProjectTier.VERIFIED,
        districts=[central],
    )
    idea = idea_create(
        author=resident_of("insider", central),
        project=project,
        title="T",
        body="Long enough body",
        now=timezone.now(),
    )
    answer = api_for(resident_of("outsider", northern)).post(f"/api/v1/ideas/{idea.pk}/supports")
    assert answer.status_code == 403 and answer.json()["error"]["message"]
    idea_support(user=resident_of("neighbour", central), idea=idea, now=timezone.now())
    assert IdeaSupport.objects.count() == 1


def test_similar_ideas_are_rate_limited(client, project, settings):
    """Each request stems every idea of the project: a burst beyond the limit gets 429, not the work."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "similar": "2/60"}
    url = f"/api/v1/projects/{project.pk}/ideas/similar"
    answers = [client.get(url, {"text": "скамейки в парке"}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    page = client.get(f"/m/{project.municipality.slug}/projects/{project.pk}/ideas/similar/", {"text": "x"})
    assert page.status_code == 429
