"""The budgeting API: budgets and their proposals, casting (201, then 409 with the ballot), refusals,
and results with an explanation per project."""

from django.test import Client

from veche.accounts.tests.helpers import post_json
from veche.budgeting.models import Ballot, BallotKind, ProcessPhase
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.setup import process_move
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.ledger.models import LedgerEntry

API = "/api/v1"


def test_a_municipalitys_budgets_and_one_with_its_proposals(client_for, api_for, make_process, voter):
    process = make_process(district_budget=True)
    make_process(ProcessPhase.DRAFT)
    budget = city_budget(process)
    ballot_cast(user=voter, budget=budget, choices=approve(options(budget)[0]))

    listed = api_for(voter).get(f"{API}/municipalities/{process.municipality.slug}/budgets").json()
    detail = api_for(voter).get(f"{API}/budgets/{budget.pk}").json()

    assert listed["count"] == 2  # the draft's budget is not listed
    city = next(b for b in listed["items"] if b["district"] is None)
    assert city["voted"] and city["feasible_proposals"] == 5 and city["process"]["phase"] == "voting"
    assert next(b for b in listed["items"] if b["district"] == "d1")["voted"] is False
    assert [p["title"] for p in detail["proposals"]] == [
        "Bike lane",
        "Playground",
        "Benches",
        "Fountain",
        "Trees",
    ]
    assert detail["proposals"][0]["cost"] == 4000 and detail["proposals"][0]["status"] == "feasible"
    assert detail["my_ballot"]["choices"] == [{"proposal": options(budget)[0].pk, "points": 1}]


def test_casting_answers_201_with_the_receipt_then_409_with_the_ballot(api_for, make_process, voter):
    budget = city_budget(make_process(kind=BallotKind.CUMULATIVE))
    bike, playground, *_ = options(budget)
    client = api_for(voter)
    path = f"{API}/budgets/{budget.pk}/ballots"

    created = post_json(
        client,
        path,
        {"choices": [{"proposal": bike.pk, "points": 6}, {"proposal": playground.pk, "points": 4}]},
    )
    repeat = post_json(client, path, {"choices": [{"proposal": bike.pk, "points": 1}]})

    assert created.status_code == 201, created.content
    body = created.json()
    entry = LedgerEntry.objects.get()
    assert body["receipt"] == entry.entry_hash and body["seq"] == 1 and len(body["nonce"]) == 32
    assert body["check_url"] == f"/ledger/?receipt={entry.entry_hash}"
    assert body["choices"] == [{"proposal": bike.pk, "points": 6}, {"proposal": playground.pk, "points": 4}]
    assert repeat.status_code == 409
    error = repeat.json()["error"]
    assert error["code"] == "already_voted" and error["ballot"]["receipt"] == body["receipt"]
    assert Ballot.objects.count() == 1


def test_bad_ballots_answer_with_the_error_shape_and_store_nothing(api_for, make_process, voter, resident):
    budget = city_budget(make_process(kind=BallotKind.KNAPSACK))
    bike, playground, benches, fountain, _trees = options(budget)
    path = f"{API}/budgets/{budget.pk}/ballots"

    wrong_type = post_json(api_for(voter), path, {"choices": [{"proposal": "one"}]})
    over = post_json(
        api_for(voter), path, {"choices": [{"proposal": p.pk} for p in (bike, fountain, benches)]}
    )
    unverified = post_json(api_for(resident), path, {"choices": [{"proposal": bike.pk}]})
    anonymous = post_json(Client(), path, {"choices": [{"proposal": bike.pk}]})

    assert wrong_type.status_code == 422 and "choices.0.proposal" in wrong_type.json()["error"]["fields"]
    assert over.status_code == 400 and over.json()["error"]["code"] == "invalid_ballot"
    assert "больше бюджета" in over.json()["error"]["fields"]["choices"][0]
    assert unverified.status_code == 403 and anonymous.status_code == 401
    assert not Ballot.objects.exists() and not LedgerEntry.objects.exists()


def test_results_are_hidden_until_published_then_explain_each_project(
    api_for, client_for, make_process, resident_of, central, municipal_admin, official
):
    process = make_process()
    budget = city_budget(process)
    projects = options(budget)
    for i, chosen in enumerate([[0, 1], [0], [3], [2, 4]]):
        ballot_cast(
            user=resident_of(f"r{i}", central), budget=budget, choices=approve(*(projects[c] for c in chosen))
        )
    budget.process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.COUNTING)
    count = budget_count(actor=official, budget=budget)
    path = f"{API}/budgets/{budget.pk}/results"

    hidden = client_for(None).get(path)
    staff = api_for(official).get(path)
    process_move(actor=municipal_admin, process=budget.process, to=ProcessPhase.RESULTS)
    public = client_for(None).get(path).json()

    assert hidden.status_code == 403 and hidden.json()["error"]["code"] == "results_not_public"
    assert staff.status_code == 200 and staff.json()["public"] is False
    assert public["counted"] and public["winners"] == count.winners and public["rule"] == "mes-add1"
    assert public["total_cost"] <= public["amount"] == 10_000
    assert len(public["projects"]) == 5 and all(
        p["explanation"] and p["engine_reason"] for p in public["projects"]
    )
    assert {p["proposal"] for p in public["projects"] if p["funded"]} == set(count.winners)
