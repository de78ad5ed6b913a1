"""The initiatives API: list, read, propose and publish, support (201, then 200 with the same support),
and the official answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.accounts.tests.helpers import assert_api_error, post_json
from veche.initiatives.models import Initiative, InitiativeSupport, Status
from veche.initiatives.services import initiative_decide, initiative_support, milestone_add
from veche.initiatives.tests.helpers import OPTIONS
from veche.ledger.models import LedgerEntry
from veche.petitions.tests.kinds import THRESHOLD
from veche.polls.models import Poll

API = "/api/v1"


def test_a_resident_proposes_a_draft_and_publishes_it(api_for, author, policy, client):
    api = api_for(author)
    response = post_json(
        api,
        f"{API}/municipalities/testgrad/initiatives",
        {"title": "Lindens on Main St", "body": "Plant <script>x</script>*lindens*.", "district": "d1"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    initiative = Initiative.objects.get()
    assert body["id"] == initiative.pk and body["url"] == f"/m/testgrad/initiatives/{initiative.pk}/"
    assert (body["status"], body["district"], body["support_threshold"], body["supporters_count"]) == (
        "draft",
        "d1",
        None,
        0,
    )
    assert "<script>" not in body["body_html"] and "<em>lindens</em>" in body["body_html"]
    assert_api_error(client.get(f"{API}/initiatives/{initiative.pk}"), 404)  # a draft is the author's alone

    published = post_json(api, f"{API}/initiatives/{initiative.pk}/publish", {})
    assert published.status_code == 200, published.content
    assert (published.json()["status"], published.json()["support_threshold"]) == ("published", THRESHOLD)
    assert_api_error(post_json(api, f"{API}/initiatives/{initiative.pk}/publish", {}), 409, "not_draft")
    assert client.get(f"{API}/initiatives/{initiative.pk}").json()["options"] == []


def test_proposing_and_publishing_at_once_needs_verified_residence(api_for, author, resident, policy, client):
    path = f"{API}/municipalities/testgrad/initiatives"
    assert_api_error(post_json(client, path, {"title": "T", "body": "B"}), 401)
    refused = post_json(api_for(resident), path, {"title": "T", "body": "B", "publish": True})
    assert_api_error(refused, 403, "forbidden")
    assert not Initiative.objects.exists()  # the draft went with the refusal

    response = post_json(api_for(author), path, {"title": "Trees", "body": "Plant.", "publish": True})
    assert response.status_code == 201 and response.json()["status"] == "published"


@pytest.mark.parametrize(
    ("payload", "status", "fields"),
    [
        ({"title": "", "body": "B"}, 422, None),
        ({"title": "я" * 201, "body": "B"}, 422, None),
        ({"title": "T", "body": "я" * 4001}, 422, None),
        ({"title": "Two\nlines", "body": "B"}, 400, {"title"}),
        ({"title": "T", "body": "B", "district": "nowhere"}, 400, {"district"}),
    ],
    ids=["empty-title", "201-char-title", "4001-char-body", "multiline-title", "unknown-district"],
)
def test_bad_proposals_are_refused(api_for, author, policy, payload, status, fields):
    response = post_json(api_for(author), f"{API}/municipalities/testgrad/initiatives", payload)
    assert_api_error(response, status, fields=fields)
    assert not Initiative.objects.exists()


def test_the_list_filters_and_takes_the_same_queries_for_more(client, make_initiative, central, supporters):
    make_initiative("In Central", district=central)
    make_initiative("Everywhere")
    make_initiative("A draft", publish=False)
    path = f"{API}/municipalities/testgrad/initiatives"

    def titles(**params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params)
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]], len(queries)

    listed, few = titles()
    assert listed == ["Everywhere", "In Central"]
    for i in range(6):
        make_initiative(f"More {i}", district=central)
    _listed, many = titles()
    assert many == few
    assert titles(district="d1")[0][-1] == "In Central" and "Everywhere" not in titles(district="d1")[0]
    assert titles(district="nowhere")[0] == []
    assert titles(q="everywhere", status="published")[0] == ["Everywhere"]
    assert client.get(path, {"status": "draft"}).status_code == 422


def test_supporting_answers_201_then_200_with_the_same_receipt(api_for, initiative, supporters, client):
    api = api_for(supporters[0])
    path = f"{API}/initiatives/{initiative.pk}/supports"

    first = post_json(api, path, {})
    assert first.status_code == 201, first.content
    body = first.json()
    support = InitiativeSupport.objects.get()
    assert body["receipt"] == support.receipt == LedgerEntry.objects.get().entry_hash
    assert (body["tier"], body["district"], body["supporters_count"], body["status"]) == (
        "verified",
        "d1",
        1,
        "published",
    )
    assert body["check_url"] == f"/ledger/?receipt={support.receipt}"
    again = post_json(api, path, {})
    assert again.status_code == 200 and again.json() == body
    assert LedgerEntry.objects.count() == 1

    assert_api_error(post_json(client, path, {}), 401)
    assert_api_error(post_json(api, f"{API}/initiatives/999999/supports", {}), 404)
    assert_api_error(post_json(api, f"{API}/initiatives/abc/supports", {}), 404)


def test_supporting_is_refused_to_the_unverified_and_after_the_answer(
    api_for, awaiting, resident, supporters, official
):
    path = f"{API}/initiatives/{awaiting.pk}/supports"
    assert_api_error(post_json(api_for(resident), path, {}), 403, "forbidden")
    # Past the threshold support goes on; it tips the status over only once.
    assert post_json(api_for(supporters[5]), path, {}).json()["status"] == "threshold_reached"
    post_json(
        api_for(official), f"{API}/initiatives/{awaiting.pk}/answer", {"decision": "reject", "answer": "No."}
    )
    assert_api_error(post_json(api_for(supporters[6]), path, {}), 409, "not_collecting")
    assert InitiativeSupport.objects.count() == THRESHOLD + 1


def test_the_official_answer_through_the_api(api_for, initiative, supporters, official, client):
    path = f"{API}/initiatives/{initiative.pk}/answer"
    accept = {"decision": "accept", "answer": "Yes, choose how.", "options": OPTIONS}
    assert_api_error(
        post_json(api_for(official), path, accept), 409, "invalid_transition"
    )  # before the threshold
    for supporter in supporters[:THRESHOLD]:
        initiative_support(user=supporter, initiative=initiative)
    assert_api_error(post_json(api_for(supporters[0]), path, accept), 404)
    assert_api_error(post_json(client, path, accept), 401)
    one = post_json(api_for(official), path, {**accept, "options": ["Only one"]})
    assert_api_error(one, 400, fields={"options"})
    assert_api_error(post_json(api_for(official), path, {"decision": "maybe", "answer": "?"}), 422)

    response = post_json(api_for(official), path, {**accept, "voting_days": 3})

    assert response.status_code == 200, response.content
    body = response.json()
    poll = Poll.objects.get()
    assert (body["status"], body["poll"], body["poll_url"]) == (
        "voting",
        poll.pk,
        f"/m/testgrad/polls/{poll.pk}/",
    )
    assert [o["text"] for o in body["options"]] == OPTIONS and body[
        "answer_html"
    ] == "<p>Yes, choose how.</p>"
    assert_api_error(post_json(api_for(official), path, accept), 409, "already_answered")


def test_reading_a_decided_initiative_shows_the_choice_and_milestones(client, closed_vote, official):
    initiative = initiative_decide(official=official, initiative=closed_vote)
    milestone_add(official=official, initiative=initiative, title="Order the benches")

    body = client.get(f"{API}/initiatives/{initiative.pk}").json()
    assert (body["status"], body["chosen_option"]) == (Status.DECIDED, "Wooden benches")
    assert [m["title"] for m in body["milestones"]] == ["Order the benches"]
    assert body["milestones"][0]["done_at"] is None and body["milestones"][0]["photos"] == []
