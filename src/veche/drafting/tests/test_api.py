"""The API of drafted texts."""

import json

import pytest
from django.urls import reverse

from veche.drafting import selectors
from veche.drafting.diff import compare as real_compare
from veche.drafting.models import Amendment, AmendmentSupport
from veche.drafting.services import amendment_decide, amendment_propose, document_create, version_publish
from veche.drafting.tests.helpers import drafting_project, published_document, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(municipality, municipal_admin):
    return drafting_project(actor=municipal_admin, municipality=municipality)


@pytest.fixture
def document(project, municipal_admin):
    return published_document(actor=municipal_admin, project=project)


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_projects_documents_are_listed_in_a_fixed_number_of_queries(
    project, document, municipal_admin, client, django_assert_max_num_queries
):
    for n in range(3):
        published_document(actor=municipal_admin, project=project, text=f"## Part {n}\ntext")
    draft = document_create(actor=municipal_admin, project=project, title="Draft", text="## A\nx")
    with django_assert_max_num_queries(8):
        answer = client.get(f"/api/v1/projects/{project.pk}/documents")
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert len(items) == 4 and draft.pk not in [item["id"] for item in items]
    assert items[0] == {
        "id": document.pk,
        "project": project.pk,
        "title": "Park rules",
        "url": document.get_absolute_url(),
        "published_at": items[0]["published_at"],
        "latest_version": 1,
    }
    assert client.get(f"/api/v1/documents/{draft.pk}").status_code == 404


def test_a_document_its_versions_and_their_comparison(document, resident, municipal_admin, client):
    amendment = amendment_propose(
        author=resident, section=section(document, "2"), body="Benches <i>thirty</i> metres."
    )
    amendment_decide(actor=municipal_admin, amendment=amendment, accept=True, reason="Yes.")
    version_publish(actor=municipal_admin, document=document, note="Benches.")
    detail = client.get(f"/api/v1/documents/{document.pk}").json()
    assert detail["versions"] == [1, 2] and detail["version"]["number"] == 2
    benches = next(s for s in detail["version"]["sections"] if s["number"] == "2")
    assert benches["body"] == "Benches <i>thirty</i> metres." and benches["amendments"] == 1
    assert "<i>" not in benches["body_html"] or "thirty" in benches["body_html"]
    first = client.get(f"/api/v1/documents/{document.pk}/versions/1").json()
    assert [s["key"] for s in first["sections"]] == [1, 2, 3, 4]
    assert client.get(f"/api/v1/documents/{document.pk}/versions/7").status_code == 404
    compared = client.get(f"/api/v1/documents/{document.pk}/compare?from=1&to=2").json()
    assert compared["from_version"] == 1 and compared["to_version"] == 2
    statuses = {s["key"]: s["status"] for s in compared["sections"]}
    assert statuses == {1: "unchanged", 2: "unchanged", 3: "changed", 4: "unchanged"}
    changed = next(s for s in compared["sections"] if s["status"] == "changed")
    assert {"op": "insert", "text": "<i>thirty</i> metres"} in changed["body_changes"] or any(
        piece["op"] == "insert" for piece in changed["body_changes"]
    )
    assert client.get(f"/api/v1/documents/{document.pk}/compare").json()["from_version"] == 1
    assert client.get(f"/api/v1/documents/{document.pk}/compare?from=abc").status_code in (400, 422)


def test_amendments_and_supports_through_the_api(document, resident, verified_resident, api_for):
    author, supporter = api_for(resident), api_for(verified_resident)
    url = f"/api/v1/documents/{document.pk}/amendments"
    body = {"section_key": 3, "body": "Benches every thirty metres.", "rationale": "Rest."}
    created = _post(author, url, body)
    assert created.status_code == 201, created.content
    amendment = created.json()
    assert (
        amendment["status"] == "proposed" and amendment["base_version"] == 1 and amendment["section_key"] == 3
    )
    assert _post(author, url, body).json()["id"] == amendment["id"]
    support = f"/api/v1/amendments/{amendment['id']}/supports"
    first = _post(supporter, support, {})
    assert first.status_code == 201 and first.json()["supporters_count"] == 1
    again = _post(supporter, support, {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_supported"
    assert _post(author, support, {}).status_code == 409
    assert AmendmentSupport.objects.count() == 1


def test_bad_amendments_are_refused_with_field_messages(
    document, project, municipal_admin, resident, api_for, client
):
    other = published_document(actor=municipal_admin, project=project, text="## Only\none")
    client_api = api_for(resident)
    url = f"/api/v1/documents/{document.pk}/amendments"
    wrong_key = _post(client_api, url, {"section_key": 99, "body": "x"})
    assert wrong_key.status_code == 400 and "section_key" in wrong_key.json()["error"]["fields"]
    # Another document's section key is not this document's.
    foreign = _post(client_api, f"/api/v1/documents/{other.pk}/amendments", {"section_key": 3, "body": "x"})
    assert foreign.status_code == 400
    huge = _post(client_api, url, {"section_key": 3, "body": "x" * 5000})
    assert huge.status_code == 400 and "body" in huge.json()["error"]["fields"]
    assert _post(client_api, url, {"section_key": "3", "body": "x"}).status_code in (400, 422)
    assert _post(client_api, url, {"body": "x"}).status_code in (400, 422)
    assert _post(client, url, {"section_key": 3, "body": "x"}).status_code == 401
    assert (
        _post(client_api, "/api/v1/documents/999999/amendments", {"section_key": 3, "body": "x"}).status_code
        == 404
    )
    assert not Amendment.objects.exists()


def test_outside_the_stage_the_api_answers_409(municipality, municipal_admin, resident, api_for):
    meetings = drafting_project(actor=municipal_admin, municipality=municipality, kind="meetings")
    document = published_document(actor=municipal_admin, project=meetings)
    answer = _post(
        api_for(resident), f"/api/v1/documents/{document.pk}/amendments", {"section_key": 3, "body": "x"}
    )
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "stage_closed"


def test_a_comparison_is_computed_once_and_limited_per_client(
    document, resident, municipal_admin, client, settings, monkeypatch
):
    amendment = amendment_propose(author=resident, section=section(document, "2"), body="Thirty metres.")
    amendment_decide(actor=municipal_admin, amendment=amendment, accept=True, reason="Yes.")
    version_publish(actor=municipal_admin, document=document)
    computed = []
    monkeypatch.setattr(selectors, "compare", lambda a, b: computed.append(1) or real_compare(a, b))
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "compare": "3/60"}
    url = f"/api/v1/documents/{document.pk}/compare?from=1&to=2"
    page = reverse("drafting:compare", args=[document.municipality.slug, document.project_id, document.pk])
    page += "?from=1&to=2"

    first, second = client.get(url), client.get(url)

    assert first.status_code == second.status_code == 200 and first.json() == second.json()
    assert computed == [1]
    assert client.get(page).status_code == 200
    assert client.get(url).status_code == 429 and client.get(page).status_code == 429
    assert computed == [1]
