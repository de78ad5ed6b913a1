"""The co-financing API: a campaign, a project's campaigns, and pledging, with its refusals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.funding.models import Pledge
from veche.funding.services import campaign_cancel, pledge_make
from veche.funding.tests.helpers import open_campaign, past_deadline, taken_up_idea

pytestmark = pytest.mark.django_db


def _pledge(client, campaign, body, **headers):
    return client.post(
        f"/api/v1/campaigns/{campaign.pk}/pledges", body, content_type="application/json", **headers
    )


def test_a_campaign_reads_with_its_numbers_unlocalised(campaign, resident, client_for):
    pledge_make(user=resident, campaign=campaign, amount=12_345)
    body = client_for().get(f"/api/v1/campaigns/{campaign.pk}").json()
    assert body["target"] == 100_000 and body["pledged"] == 12_345 and body["remaining"] == 87_655
    assert body["status"] == "open" and body["taking_pledges"] is True
    assert body["project"] == campaign.project.pk and body["idea"] == campaign.idea_id
    assert client_for().get("/api/v1/campaigns/999999").status_code == 404
    assert client_for().get("/api/v1/campaigns/abc").status_code == 404


def test_a_projects_campaigns_list_in_a_fixed_number_of_queries(
    campaign, project, author, municipal_admin, client_for
):
    made = [
        open_campaign(actor=municipal_admin, idea=taken_up_idea(project=project, author=author, title=title))
        for title in ("Benches", "Lights", "Paths")
    ]
    campaign_cancel(actor=municipal_admin, campaign=made[-1])
    with CaptureQueriesContext(connection) as queries:
        body = client_for().get(f"/api/v1/projects/{project.pk}/campaigns").json()
    assert body["count"] == 4 and len(body["items"]) == 4
    assert [item["status"] for item in body["items"]] == ["open"] * 3 + ["cancelled"]  # open ones first
    assert len(queries) <= 6, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_pledging_answers_201_with_the_pledge(campaign, resident, api_for, language):
    answer = _pledge(
        api_for(resident, language=language),
        campaign,
        {"amount": 2_500, "organisation": {"name": "ИП Петров", "inn": "500100732259"}},
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["amount"] == 2_500 and body["status"] == "pledged" and body["provider"] == "treasury"
    assert body["organisation"] == {"name": "ИП Петров", "inn": "500100732259"}
    assert str(body["id"]) in body["instructions"]
    campaign.refresh_from_db()
    assert campaign.pledged_total == 2_500


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"amount": -1}, 400, "amount"),
        ({"amount": 0}, 400, "amount"),
        ({"amount": 1.5}, 422, "amount"),
        ({"amount": "100"}, 422, "amount"),
        ({"amount": True}, 422, "amount"),
        ({}, 422, "amount"),
        ({"amount": 10**12}, 400, "amount"),
        ({"amount": 10, "organisation": {"name": "X", "inn": "1111111111"}}, 400, "organisation_inn"),
        (
            {"amount": 10, "organisation": {"name": "<script>alert(1)</script>" * 20, "inn": "7707083893"}},
            422,
            "organisation.name",
        ),
        ({"amount": 10, "organisation": "ООО"}, 422, "organisation.name"),
    ],
)
def test_bad_pledges_answer_with_field_messages_and_change_nothing(
    campaign, resident, api_for, body, status, field
):
    answer = _pledge(api_for(resident), campaign, body)
    assert answer.status_code == status, answer.json()
    fields = answer.json()["error"]["fields"]
    assert any(name == field or name.endswith(field) for name in fields), fields
    assert not Pledge.objects.exists()


def test_over_the_remaining_amount_409_says_how_much_remains(campaign, resident, api_for):
    pledge_make(user=resident, campaign=campaign, amount=99_000)
    answer = _pledge(api_for(resident, language="en"), campaign, {"amount": 1_001})
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "over_remaining" and "1,000" in error["message"] and error["fields"]["amount"]
    assert Pledge.objects.count() == 1


def test_after_the_deadline_409(campaign, resident, api_for):
    past_deadline(campaign)
    answer = _pledge(api_for(resident), campaign, {"amount": 10})
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "campaign_closed"


def test_anonymous_pledges_401_and_a_replay_with_the_same_key_pledges_once(
    campaign, resident, api_for, client_for
):
    assert _pledge(client_for(), campaign, {"amount": 10}).status_code == 401
    client = api_for(resident)
    first = _pledge(client, campaign, {"amount": 10}, HTTP_IDEMPOTENCY_KEY="k-1")
    again = _pledge(client, campaign, {"amount": 10}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Pledge.objects.count() == 1
