"""The voting API: a ballot (201, then 409 with the ballot), refusals, your ballot, the results."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.accounts.tests.helpers import assert_api_error, post_json
from veche.crowdprojects.models import CrowdBallot, CrowdBallotChoice, ProjectTier, Stage, VotingMethod
from veche.crowdprojects.services.voting import ballot_cast
from veche.crowdprojects.tests.voting_helpers import end_voting, voting_project
from veche.ledger.models import LedgerEntry
from veche.ledger.services import chain_name

API = "/api/v1/projects"

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval(municipality, municipal_admin, author):
    return voting_project(
        actor=municipal_admin,
        municipality=municipality,
        author=author,
        approval_limit=2,
        tier=ProjectTier.VERIFIED,
    )


@pytest.fixture
def rating(municipality, municipal_admin, author):
    return voting_project(
        actor=municipal_admin, municipality=municipality, author=author, voting_method=VotingMethod.RATING
    )


def nothing_stored():
    assert not CrowdBallot.objects.exists() and not CrowdBallotChoice.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_an_approval_ballot_answers_201_with_its_receipt(api_for, voter, approval):
    project, ideas = approval

    response = post_json(api_for(voter), f"{API}/{project.pk}/ballots", {"ideas": [ideas[1].pk, ideas[0].pk]})

    assert response.status_code == 201, response.content
    body = response.json()
    entry = LedgerEntry.objects.get()
    assert body["receipt"] == entry.entry_hash and body["seq"] == 1 and len(body["nonce"]) == 32
    assert body["chain"] == chain_name(project) == f"crowdprojects.project:{project.pk}"
    assert body["ideas"] == [ideas[1].pk, ideas[0].pk] and body["ratings"] is None
    assert body["check_url"] == f"/ledger/?receipt={entry.entry_hash}"
    assert CrowdBallot.objects.get().receipt == entry.entry_hash


def test_a_rating_ballot_and_reading_it_back(api_for, resident, rating):
    project, ideas = rating
    client = api_for(resident)
    assert_api_error(client.get(f"{API}/{project.pk}/ballot"), 404, "not_found")

    response = post_json(client, f"{API}/{project.pk}/ballots", {"ratings": {str(ideas[0].pk): 4}})

    assert response.status_code == 201, response.content
    assert response.json()["ratings"] == {str(ideas[0].pk): 4} and response.json()["ideas"] is None
    mine = client.get(f"{API}/{project.pk}/ballot")
    assert mine.status_code == 200
    assert mine.json()["ratings"] == {str(ideas[0].pk): 4}
    assert mine.json()["receipt"] == response.json()["receipt"]


def test_a_repeat_answers_409_with_the_ballot_that_stands(api_for, voter, approval):
    project, ideas = approval
    client = api_for(voter)
    created = post_json(client, f"{API}/{project.pk}/ballots", {"ideas": [ideas[0].pk]})

    repeat = post_json(client, f"{API}/{project.pk}/ballots", {"ideas": [ideas[1].pk]})

    assert repeat.status_code == 409, repeat.content
    error = repeat.json()["error"]
    assert set(error) == {"code", "message", "fields", "ballot"} and error["code"] == "already_voted"
    assert (
        error["ballot"]["ideas"] == [ideas[0].pk] and error["ballot"]["receipt"] == created.json()["receipt"]
    )
    assert CrowdBallot.objects.count() == LedgerEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"ideas": "1"}, 422, "ideas"),
        ({"ideas": ["1"]}, 422, "ideas.0"),
        ({"ideas": [True]}, 422, "ideas.0"),
        ({"ideas": [1.5]}, 422, "ideas.0"),
        ({"ideas": list(range(1, 300))}, 422, "ideas"),
        ({"ideas": []}, 400, "ideas"),
        ({"ideas": [10**9]}, 400, "ideas"),
        ({"ideas": "OVER"}, 400, "ideas"),
        ({"ideas": "TWICE"}, 400, "ideas"),
        ({"ratings": {"1": 3}}, 400, "ideas"),
        ({}, 400, "ideas"),
        ({"ideas": None}, 400, "ideas"),
        ("[1, 2]", 400, None),
        ("not json", 400, None),
    ],
)
def test_a_bad_ballot_is_refused_in_the_error_shape_and_nothing_stored(
    api_for, voter, approval, body, status, field
):
    project, ideas = approval
    if isinstance(body, dict) and body.get("ideas") == "OVER":
        body = {"ideas": [i.pk for i in ideas[:3]]}
    if isinstance(body, dict) and body.get("ideas") == "TWICE":
        body = {"ideas": [ideas[0].pk, ideas[0].pk]}

    response = post_json(api_for(voter), f"{API}/{project.pk}/ballots", body)

    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    if field is not None:
        assert field in error["fields"], error
    nothing_stored()


@pytest.mark.parametrize(
    ("ratings", "status"),
    [
        ({}, 400),
        ({"X": 3}, 400),
        ({"1": "5"}, 422),
        ({"1": 1.5}, 422),
        ({"1": True}, 422),
        ({"IDEA": 0}, 400),
        ({"IDEA": 6}, 400),
        ({"IDEA": -1}, 400),
        ({"999999999": 3}, 400),
        ({"IDEA" + "9" * 30: 3}, 400),
    ],
)
def test_a_bad_rating_ballot_is_refused(api_for, resident, rating, ratings, status):
    project, ideas = rating
    ratings = {k.replace("IDEA", str(ideas[0].pk)): v for k, v in ratings.items()}

    response = post_json(api_for(resident), f"{API}/{project.pk}/ballots", {"ratings": ratings})

    assert response.status_code == status, response.content
    assert "ratings" in ",".join(response.json()["error"]["fields"])
    nothing_stored()


def test_ideas_for_a_rating_project_are_refused(api_for, resident, rating):
    project, ideas = rating
    response = post_json(api_for(resident), f"{API}/{project.pk}/ballots", {"ideas": [ideas[0].pk]})
    assert_api_error(response, 400, "invalid_ballot", {"ratings"})
    nothing_stored()


def test_who_may_not_vote_is_told_so(api_for, client, resident, resident_of, northern, approval):
    project, ideas = approval
    path = f"{API}/{project.pk}/ballots"

    assert_api_error(post_json(client, path, {"ideas": [ideas[0].pk]}), 401)
    assert_api_error(post_json(api_for(resident), path, {"ideas": [ideas[0].pk]}), 403)
    assert_api_error(post_json(api_for(resident), f"{API}/999999/ballots", {"ideas": [1]}), 404, "not_found")
    end_voting(project)
    assert_api_error(post_json(api_for(resident_of("n", northern)), path, {"ideas": [ideas[0].pk]}), 409)
    nothing_stored()


def test_results_are_403_until_voting_ends_then_public(
    api_for, client, voter, official, municipal_admin, approval
):
    project, ideas = approval
    ballot_cast(user=voter, project=project, ideas=[ideas[0].pk, ideas[2].pk])
    path = f"{API}/{project.pk}/results"

    error = assert_api_error(client.get(path), 403, "results_not_public")
    assert error["message"].startswith("Итоги будут опубликованы")
    assert_api_error(api_for(voter).get(path), 403)
    early = api_for(municipal_admin).get(path)
    assert early.status_code == 200 and early.json()["public"] is False

    end_voting(project)
    public = client.get(path)

    assert public.status_code == 200, public.content
    body = public.json()
    assert body["public"] is True and body["voters"] == 1 and body["voting_method"] == "approval"
    assert {i["id"]: i["votes"] for i in body["ideas"]} == {
        ideas[0].pk: 1,
        ideas[1].pk: 0,
        ideas[2].pk: 1,
        ideas[3].pk: 0,
    }
    assert {t["key"]: t["voters"] for t in body["turnout_by_district"]}["d1"] == 1
    assert {t["key"]: t["voters"] for t in body["turnout_by_tier"]} == {"verified": 1, "registered": 0}


def test_rating_results_give_mean_and_sum(api_for, client, voter, resident, rating):
    project, ideas = rating
    ballot_cast(user=voter, project=project, ratings={ideas[0].pk: 3})
    ballot_cast(user=resident, project=project, ratings={ideas[0].pk: 4, ideas[1].pk: 2})
    end_voting(project)

    body = client.get(f"{API}/{project.pk}/results").json()

    first = body["ideas"][0]
    assert (first["id"], first["votes"], first["mean"], first["total"]) == (ideas[0].pk, 2, 3.5, 7)


def test_the_results_cost_the_same_queries_for_2_and_10_voters(client, resident_of, central, approval):
    project, ideas = approval
    end_voting(project)
    path = f"{API}/{project.pk}/results"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    # Cast the ballots while the stage ran (the service takes the moment).
    voting = Stage.objects.get(project=project, kind="voting")
    during = voting.ends_at - timedelta(hours=1)
    assert during < timezone.now()
    for i in range(2):
        ballot_cast(user=resident_of(f"v{i}", central), project=project, ideas=[ideas[i].pk], now=during)
    few = queries()
    for i in range(2, 10):
        ballot_cast(user=resident_of(f"v{i}", None), project=project, ideas=[ideas[i % 4].pk], now=during)
    assert queries() == few
    assert client.get(path).json()["voters"] == 10
