"""The opinion-mapping API: the list and one deliberation, its statements, the next statement, votes,
new statements, the map's groups and where the caller stands; each success with its failure twin."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.accounts.tests.helpers import assert_api_error, post_json
from veche.crowdprojects.models import ProjectTier
from veche.deliberation.engine import synthetic
from veche.deliberation.models import Deliberation, Participant, Statement, Vote
from veche.deliberation.services import (
    deliberation_create,
    map_recompute,
    statement_add,
    statement_moderate,
    vote_cast,
)
from veche.deliberation.tests.helpers import SEEDS, open_deliberation, project_deliberation, shown

pytestmark = pytest.mark.django_db

API = "/api/v1/deliberations"
RESULT_KEYS = {
    "k",
    "groups",
    "repness",
    "consensus",
    "group_informed_consensus",
    "group_sizes",
    "n_participants",
    "n_votes",
    "reason",
}


@pytest.fixture
def deliberation(municipal_admin, municipality):
    return open_deliberation(municipal_admin, municipality, statements=SEEDS)


def _vote(client, deliberation, statement, vote, **extra):
    return post_json(
        client, f"{API}/{deliberation.pk}/votes", {"statement": statement, "vote": vote}, **extra
    )


def _count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(queries), response.json()["items"]


def _planted(deliberation, *, participants=60, statements=12):
    """Votes with two planted opinion groups written straight to the tables: the map is what is read."""
    votes, _truth = synthetic.planted_conversation(
        participants=participants, statements=statements, votes_per_participant=statements, groups=2, seed=3
    )
    now = timezone.now()
    made = {
        n: Statement.objects.create(
            municipality=deliberation.municipality,
            deliberation=deliberation,
            number=1000 + n,
            text=f"Утверждение {n}",
            status="accepted",
            created_at=now,
        )
        for n in votes.statements.tolist()
    }
    people = {
        n: Participant.objects.create(deliberation=deliberation, number=1000 + n, created_at=now)
        for n in votes.participants.tolist()
    }
    Vote.objects.bulk_create(
        Vote(
            deliberation=deliberation,
            participant=people[int(votes.participants[r])],
            statement=made[int(votes.statements[c])],
            value=int(v),
            created_at=now,
            updated_at=now,
        )
        for r, c, v in zip(votes.rows.tolist(), votes.cols.tolist(), votes.values.tolist(), strict=True)
    )
    Deliberation.objects.filter(pk=deliberation.pk).update(vote_serial=len(votes))


# The list and one deliberation.


def test_the_list_shows_published_deliberations_with_their_counts(
    client, deliberation, municipal_admin, municipality, resident
):
    deliberation_create(actor=municipal_admin, municipality=municipality, title="Черновик")
    unpublished_project = project_deliberation(municipal_admin, municipality, publish=False)
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=1)

    response = client.get(f"/api/v1/municipalities/{municipality.slug}/deliberations")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    [item] = response.json()["items"]
    assert item["id"] == deliberation.pk and item["title"] == deliberation.title
    assert (item["participants"], item["statements"], item["votes"]) == (1, len(SEEDS), 1)
    assert item["project"] is None and item["tier"] == "registered"
    assert_api_error(client.get(f"{API}/{unpublished_project.pk}"), 404, "not_found")
    assert_api_error(client.get("/api/v1/municipalities/nowhere/deliberations"), 404, "not_found")


def test_the_list_costs_the_same_queries_for_2_and_for_6_deliberations(client, municipal_admin, municipality):
    path = f"/api/v1/municipalities/{municipality.slug}/deliberations"
    for i in range(2):
        open_deliberation(municipal_admin, municipality, title=f"Вопрос {i}", statements=SEEDS[:2])
    with_two, body = _count_queries(client, path)
    assert len(body) == 2
    project_deliberation(municipal_admin, municipality)
    for i in range(2, 5):
        open_deliberation(municipal_admin, municipality, title=f"Вопрос {i}", statements=SEEDS[:2])

    with_six, body = _count_queries(client, path)

    assert len(body) == 6
    assert with_six == with_two


def test_one_deliberation_with_its_phase_counts_and_the_caller(api_for, deliberation, resident):
    body = api_for(resident).get(f"{API}/{deliberation.pk}").json()

    assert body["title"] == deliberation.title and body["description"] == deliberation.description
    assert body["phase"]["name"] == "open" and body["phase"]["reason"] == ""
    assert body["phase"]["closes_at"] is not None and body["opens_at"] == body["phase"]["opens_at"]
    assert body["statements"] == len(SEEDS) and body["participants"] == 0
    assert body["residents_add_statements"] is True and body["statement_max_length"] == 140
    assert body["you"] == {
        "may_answer": True,
        "code": None,
        "reason": "",
        "may_add_statements": True,
        "answered": 0,
    }
    assert body["map"] is None and body["districts"] == []


def test_a_closed_deliberation_says_why_and_who_may_not_answer(client, municipal_admin, municipality):
    now = timezone.now()
    closed = open_deliberation(
        municipal_admin, municipality, opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1)
    )

    body = client.get(f"{API}/{closed.pk}").json()

    assert body["phase"]["name"] == "closed" and body["phase"]["reason"]
    assert body["you"]["may_answer"] is False and body["you"]["code"] == "stage_closed"
    assert body["you"]["may_add_statements"] is False


def test_a_visitor_is_told_to_log_in(client, deliberation):
    you = client.get(f"{API}/{deliberation.pk}").json()["you"]

    assert you["may_answer"] is False and you["code"] == "unauthorized" and you["reason"]


def test_the_tier_and_the_districts_are_reasons_too(
    api_for, municipal_admin, municipality, resident, resident_of, central, northern
):
    verified_only = open_deliberation(
        municipal_admin, municipality, tier=ProjectTier.VERIFIED, districts=[central]
    )
    path = f"{API}/{verified_only.pk}"

    assert api_for(resident).get(path).json()["you"]["code"] == "forbidden"
    assert api_for(resident_of("north", northern)).get(path).json()["you"]["code"] == "other_district"
    assert api_for(resident_of("centre", central)).get(path).json()["you"]["may_answer"] is True
    assert api_for(resident).get(path).json()["districts"] == [central.slug]


def test_a_draft_is_404_for_residents_and_seen_by_who_runs_it(
    api_for, client, municipal_admin, municipality, resident
):
    draft = deliberation_create(actor=municipal_admin, municipality=municipality, title="Черновик")

    for path in ("", "/statements", "/next", "/groups"):
        assert_api_error(api_for(resident).get(f"{API}/{draft.pk}{path}"), 404, "not_found")
        assert_api_error(client.get(f"{API}/{draft.pk}{path}"), 404, "not_found")
    assert_api_error(_vote(api_for(resident), draft, 1, 1), 404, "not_found")
    runner = api_for(municipal_admin).get(f"{API}/{draft.pk}")
    assert runner.status_code == 200 and runner.json()["published_at"] is None
    assert runner.json()["phase"]["name"] == "closed"
    assert_api_error(client.get(f"{API}/999999"), 404, "not_found")
    assert_api_error(client.get(f"{API}/abc"), 404, "not_found")


def test_a_project_deliberation_has_the_stage_dates(client, municipal_admin, municipality):
    deliberation = project_deliberation(municipal_admin, municipality)

    body = client.get(f"{API}/{deliberation.pk}").json()

    assert body["project"] == deliberation.project_id and body["phase"]["name"] == "open"
    assert body["phase"]["opens_at"] is not None and body["phase"]["closes_at"] is not None


def test_the_map_summary_once_computed(client, deliberation, resident):
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=1)
    map_recompute(deliberation=deliberation)

    summary = client.get(f"{API}/{deliberation.pk}").json()["map"]

    assert summary["k"] == 0 and summary["reason"] and summary["computed_at"]
    assert (summary["n_participants"], summary["n_votes"]) == (1, 1)


# Statements.


def test_statements_list_only_shown_ones_with_their_counts(
    client, deliberation, municipal_admin, resident, make_user
):
    first, second, *_ = shown(deliberation)
    vote_cast(user=resident, deliberation=deliberation, statement=first, value=1)
    vote_cast(user=make_user("other"), deliberation=deliberation, statement=first, value=0)
    pending = statement_add(author=resident, deliberation=deliberation, text="Нужен фонтан у входа")
    rejected = statement_add(author=make_user("writer"), deliberation=deliberation, text="Снести всё")
    statement_moderate(moderator=municipal_admin, statement=rejected, accept=False, reason="Не по теме")
    Statement.objects.filter(pk=second.pk).update(hidden_at=timezone.now())

    body = client.get(f"{API}/{deliberation.pk}/statements").json()["items"]

    assert [s["number"] for s in body] == [s.number for s in shown(deliberation) if s.pk != second.pk]
    texts = {s["text"] for s in body}
    assert pending.text not in texts and rejected.text not in texts and second.text not in texts
    assert body[0] == {
        "id": first.pk,
        "number": first.number,
        "text": first.text,
        "seen": 2,
        "agree": 1,
        "disagree": 0,
        "pass": 1,
    }


def test_the_statements_cost_the_same_queries_for_2_and_for_8(
    client, municipal_admin, municipality, resident
):
    deliberation = open_deliberation(municipal_admin, municipality, statements=SEEDS[:2])
    path = f"{API}/{deliberation.pk}/statements"
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=1)
    with_two, body = _count_queries(client, path)
    assert len(body) == 2
    for i in range(6):
        statement_add(author=municipal_admin, deliberation=deliberation, text=f"Ещё одно утверждение {i}")
        vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[-1], value=-1)

    with_eight, body = _count_queries(client, path)

    assert len(body) == 8 and sum(s["disagree"] for s in body) == 6
    assert with_eight == with_two


def test_a_resident_adds_a_pending_statement(api_for, deliberation, resident):
    response = post_json(api_for(resident), f"{API}/{deliberation.pk}/statements", {"text": "Нужен фонтан"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["is_seed"] is False and body["text"] == "Нужен фонтан"
    assert Statement.objects.get(pk=body["id"]).author == resident


def test_an_organisers_statement_is_accepted_at_once(api_for, deliberation, municipal_admin):
    response = post_json(api_for(municipal_admin), f"{API}/{deliberation.pk}/statements", {"text": "Новое"})

    assert response.status_code == 201 and response.json()["status"] == "accepted"
    assert response.json()["is_seed"] is True


@pytest.mark.parametrize(
    ("text", "status", "code", "fields"),
    [
        ("", 400, None, {"text"}),
        ("Очень длинно. " * 20, 400, None, {"text"}),
        ("<b>Жирно</b>", 400, "markup", {"text"}),
        ("Парк должен [закрываться](http://x.example)", 400, "markup", {"text"}),
        (SEEDS[0].upper(), 409, "duplicate", None),
        (17, 422, "validation_error", {"text"}),
    ],
)
def test_a_statement_refused_adds_nothing(api_for, deliberation, resident, text, status, code, fields):
    before = Statement.objects.count()

    response = post_json(api_for(resident), f"{API}/{deliberation.pk}/statements", {"text": text})

    error = assert_api_error(response, status, code)
    assert fields is None or set(error["fields"]) == fields
    assert Statement.objects.count() == before


def test_statements_by_organisers_only_or_when_closed_are_refused(
    api_for, client, municipal_admin, municipality, resident
):
    organisers = open_deliberation(municipal_admin, municipality, residents_add_statements=False)
    now = timezone.now()
    closed = open_deliberation(
        municipal_admin, municipality, opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1)
    )
    api = api_for(resident)

    assert_api_error(
        post_json(api, f"{API}/{organisers.pk}/statements", {"text": "Моё"}), 403, "organisers_only"
    )
    assert_api_error(post_json(api, f"{API}/{closed.pk}/statements", {"text": "Моё"}), 409, "stage_closed")
    assert_api_error(
        post_json(client, f"{API}/{organisers.pk}/statements", {"text": "Моё"}), 401, "unauthorized"
    )
    assert not Statement.objects.exists()


def test_statement_writes_are_rate_limited(api_for, deliberation, resident, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "write": "2/60"}
    api = api_for(resident)
    for i in range(2):
        assert (
            post_json(api, f"{API}/{deliberation.pk}/statements", {"text": f"Мысль {i}"}).status_code == 201
        )

    response = post_json(api, f"{API}/{deliberation.pk}/statements", {"text": "Мысль 3"})

    assert_api_error(response, 429, "rate_limited")
    assert response["Retry-After"]
    assert Statement.objects.filter(author=resident).count() == 2


# The next statement.


def test_the_next_statement_for_a_visitor_and_a_voter(api_for, client, deliberation, resident):
    numbers = {s.number for s in shown(deliberation)}
    offered = client.get(f"{API}/{deliberation.pk}/next").json()
    assert offered["statement"]["number"] in numbers and offered["reason"] is None
    # A visitor may read the statement but not answer it, and is told so.
    assert offered["may_answer"] is False and offered["code"] == "unauthorized"

    api = api_for(resident)
    answered = set()
    for _ in range(len(SEEDS)):
        body = api.get(f"{API}/{deliberation.pk}/next").json()
        assert body["statement"]["id"] not in answered and body["answered"] == len(answered)
        assert body["may_answer"] is True and body["code"] is None
        assert _vote(api, deliberation, body["statement"]["id"], 1).status_code == 201
        answered.add(body["statement"]["id"])

    done = api.get(f"{API}/{deliberation.pk}/next")

    assert done.status_code == 200
    assert done.json() == {
        "statement": None,
        "reason": "all_answered",
        "answered": len(SEEDS),
        "may_answer": True,
        "code": None,
    }


def test_no_statement_yet(client, municipal_admin, municipality):
    empty = open_deliberation(municipal_admin, municipality)

    body = client.get(f"{API}/{empty.pk}/next").json()

    assert body == {
        "statement": None,
        "reason": "no_statements",
        "answered": 0,
        "may_answer": False,
        "code": "unauthorized",
    }


# Votes.


def test_a_first_vote_is_201_and_a_changed_one_200(api_for, deliberation, resident):
    statement = shown(deliberation)[0]
    api = api_for(resident)

    first = _vote(api, deliberation, statement.pk, 1)
    changed = _vote(api, deliberation, statement.pk, -1)

    assert first.status_code == 201, first.content
    assert first.json()["vote"] == 1 and first.json()["statement"] == statement.pk
    assert first.json()["number"] == statement.number and first.json()["answered"] == 1
    assert changed.status_code == 200 and changed.json()["vote"] == -1
    assert changed.json()["created_at"] == first.json()["created_at"]
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]


@pytest.mark.parametrize("vote", ["1", True, False, 2, -2, 1.0, None, [1]])
def test_a_vote_is_1_minus_1_or_0_without_coercion(api_for, deliberation, resident, vote):
    response = _vote(api_for(resident), deliberation, shown(deliberation)[0].pk, vote)

    assert "vote" in assert_api_error(response, 422, "validation_error")["fields"]
    assert not Vote.objects.exists() and not Participant.objects.exists()


def test_votes_on_unknown_statements_are_refused(
    api_for, deliberation, resident, municipal_admin, municipality
):
    other = open_deliberation(municipal_admin, municipality, title="Другой вопрос", statements=("Чужое",))
    api = api_for(resident)

    for statement in (shown(other)[0].pk, 999999, 0, -5, 2**70):
        error = assert_api_error(_vote(api, deliberation, statement, 1), 400, "unknown_statement")
        assert set(error["fields"]) == {"statement"}
    assert (
        "statement" in assert_api_error(_vote(api, deliberation, "7", 1), 422, "validation_error")["fields"]
    )
    assert not Vote.objects.exists()


def test_votes_on_statements_not_shown_are_refused(
    api_for, deliberation, resident, municipal_admin, make_user
):
    pending = statement_add(author=make_user("writer"), deliberation=deliberation, text="Ждёт модерации")
    rejected = statement_add(author=make_user("other"), deliberation=deliberation, text="Отклонено")
    statement_moderate(moderator=municipal_admin, statement=rejected, accept=False, reason="Не по теме")
    hidden = shown(deliberation)[0]
    Statement.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    api = api_for(resident)

    for statement in (pending, rejected, hidden):
        assert_api_error(_vote(api, deliberation, statement.pk, 1), 409, "statement_not_shown")
    assert _vote(api, deliberation, shown(deliberation)[1].pk, 1).status_code == 201
    assert Vote.objects.count() == 1


def test_votes_refused_by_phase_tier_district_and_without_login(
    api_for, client, municipal_admin, municipality, resident, resident_of, central, northern
):
    now = timezone.now()
    closed = open_deliberation(
        municipal_admin,
        municipality,
        statements=SEEDS[:1],
        opens_at=now - timedelta(days=3),
        closes_at=now - timedelta(days=1),
    )
    central_only = open_deliberation(
        municipal_admin,
        municipality,
        title="Только центр",
        statements=SEEDS[:1],
        tier=ProjectTier.VERIFIED,
        districts=[central],
    )
    Deliberation.objects.filter(pk=closed.pk).update(closes_at=now - timedelta(days=1))
    on_closed, on_central = shown(closed)[0].pk, shown(central_only)[0].pk

    assert_api_error(_vote(api_for(resident), closed, on_closed, 1), 409, "stage_closed")
    assert_api_error(_vote(api_for(resident), central_only, on_central, 1), 403, "forbidden")
    north = resident_of("north", northern)
    assert_api_error(_vote(api_for(north), central_only, on_central, 1), 403, "other_district")
    assert_api_error(_vote(client, central_only, on_central, 1), 401, "unauthorized")
    assert not Vote.objects.exists() and not Participant.objects.exists()
    assert _vote(api_for(resident_of("centre", central)), central_only, on_central, 1).status_code == 201


def test_a_repeated_idempotency_key_replays_the_first_answer(api_for, deliberation, resident):
    statement = shown(deliberation)[0]
    api = api_for(resident)

    first = _vote(api, deliberation, statement.pk, 1, HTTP_IDEMPOTENCY_KEY="vote-1")
    again = _vote(api, deliberation, statement.pk, 1, HTTP_IDEMPOTENCY_KEY="vote-1")
    other = _vote(api, deliberation, statement.pk, -1, HTTP_IDEMPOTENCY_KEY="vote-1")

    assert first.status_code == 201 and again.status_code == 201
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert_api_error(other, 422, "idempotency_key_reused")
    assert Deliberation.objects.get(pk=deliberation.pk).vote_serial == 1
    assert list(Vote.objects.values_list("value", flat=True)) == [1]


def test_a_session_vote_needs_the_csrf_token(deliberation, resident):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(resident)

    response = _vote(browser, deliberation, shown(deliberation)[0].pk, 1)

    assert response.status_code in (401, 403)
    assert not Vote.objects.exists()


# The map's groups and where the caller stands.


def test_groups_before_any_map_are_not_computed(client, deliberation):
    body = client.get(f"{API}/{deliberation.pk}/groups").json()

    assert set(body) == RESULT_KEYS | {"computed_at"}
    assert body["k"] == 0 and body["reason"] == "not_computed" and body["computed_at"] is None


def test_too_few_voters_is_k_0_with_the_reason(client, deliberation, resident):
    vote_cast(user=resident, deliberation=deliberation, statement=shown(deliberation)[0], value=1)
    stored = map_recompute(deliberation=deliberation)

    response = client.get(f"{API}/{deliberation.pk}/groups")

    assert response.status_code == 200
    assert response.json()["k"] == 0 and response.json()["reason"] == stored.reason != ""


def test_the_groups_are_the_engines_json_in_polis_numbers(client, deliberation, make_user):
    _planted(deliberation)
    stored = map_recompute(deliberation=deliberation)

    response = client.get(f"{API}/{deliberation.pk}/groups")

    body = response.json()
    assert set(body) == RESULT_KEYS | {"computed_at"}
    assert body["k"] == stored.k == 2
    assert {key: body[key] for key in RESULT_KEYS} == {key: stored.result[key] for key in RESULT_KEYS}
    numbers = {str(n) for n in Participant.objects.values_list("number", flat=True)}
    assert set(body["groups"]) <= numbers
    assert {rep["statement"] for reps in body["repness"].values() for rep in reps} <= set(
        Statement.objects.values_list("number", flat=True)
    )
    assert "points" not in body and "priorities" not in body


def test_where_i_stand(api_for, client, deliberation, resident):
    _planted(deliberation)
    map_recompute(deliberation=deliberation)
    api = api_for(resident)
    assert api.get(f"{API}/{deliberation.pk}/me").json() == {
        "participant": False,
        "answered": 0,
        "group": None,
        "group_letter": None,
        "point": None,
        "in_map": False,
        "projected": False,
    }
    for statement in Statement.objects.filter(deliberation=deliberation, number__gte=1000)[:8]:
        assert _vote(api, deliberation, statement.pk, 1).status_code == 201

    body = api.get(f"{API}/{deliberation.pk}/me").json()

    assert body["participant"] is True and body["answered"] == 8
    assert body["projected"] is True and body["group"] in (0, 1)
    assert body["group_letter"] == "AB"[body["group"]] and len(body["point"]) == 2
    assert_api_error(client.get(f"{API}/{deliberation.pk}/me"), 401, "unauthorized")


# In English.


@pytest.mark.language("en")
def test_errors_read_in_english(api_for, deliberation, resident):
    response = post_json(api_for(resident), f"{API}/{deliberation.pk}/statements", {"text": "<i>x</i> y"})

    error = assert_api_error(response, 400, "markup")
    assert error["message"] == "Write the statement as plain text."


def test_errors_read_in_russian(client, deliberation):
    response = _vote(client, deliberation, shown(deliberation)[0].pk, 1)

    message = assert_api_error(response, 401, "unauthorized")["message"]
    assert message != "Log in, or send 'Authorization: Bearer <token>'." and "Bearer" in message


@pytest.mark.language("en")
def test_a_closed_reason_in_english(client, municipal_admin, municipality):
    now = timezone.now()
    closed = open_deliberation(
        municipal_admin, municipality, opens_at=now - timedelta(days=3), closes_at=now - timedelta(days=1)
    )

    assert "closed on" in client.get(f"{API}/{closed.pk}").json()["phase"]["reason"]


# The schema.


def test_the_schema_documents_the_endpoints_with_their_own_names(client):
    schema = client.get("/api/v1/openapi.json").json()

    paths = schema["paths"]
    assert "get" in paths["/api/v1/municipalities/{slug}/deliberations"]
    assert {"get", "post"} <= set(paths["/api/v1/deliberations/{deliberation_id}/statements"])
    votes = paths["/api/v1/deliberations/{deliberation_id}/votes"]["post"]["responses"]
    assert {"200", "201", "400", "401", "403", "404", "409", "422", "429"} <= set(votes)
    for path in ("", "/next", "/groups", "/me"):
        assert "get" in paths[f"/api/v1/deliberations/{{deliberation_id}}{path}"]
    names = schema["components"]["schemas"]
    assert {"DeliberationOut", "DeliberationVoteIn", "DeliberationGroupsOut"} <= set(names)
    assert names["DeliberationVoteIn"]["properties"]["vote"]["enum"] == [1, -1, 0]
