"""The polls API: the list with your vote, voting (201, then 409 with the vote), refusals, results."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.accounts.tests.helpers import assert_api_error, post_json
from veche.ledger.models import LedgerEntry
from veche.ledger.services import chain_name
from veche.municipalities.listings import listings_changed
from veche.municipalities.models import Municipality
from veche.municipalities.services import district_save
from veche.polls.models import Kind, Poll, PollChoice, PollTier, PollVote
from veche.polls.services import poll_close, poll_vote
from veche.polls.tests.helpers import option_ids

API = "/api/v1"


def vote_path(poll):
    return f"{API}/polls/{poll.pk}/votes"


def nothing_stored(*polls):
    assert not PollVote.objects.exists() and not PollChoice.objects.exists()
    assert not LedgerEntry.objects.exists()
    for poll in polls:
        poll.refresh_from_db()
        assert poll.votes_count == 0


def test_a_verified_resident_votes_and_gets_a_receipt(api_for, voter, single):
    chosen = option_ids(single)[1]

    response = post_json(api_for(voter), vote_path(single), {"options": [chosen]})

    assert response.status_code == 201, response.content
    body = response.json()
    entry = LedgerEntry.objects.get()
    assert body["receipt"] == entry.entry_hash and body["seq"] == 1
    assert body["chain"] == chain_name(single) == f"polls.poll:{single.pk}"
    assert body["options"] == [chosen] and len(body["nonce"]) == 32
    assert body["check_url"] == f"/ledger/?receipt={entry.entry_hash}"
    vote = PollVote.objects.get()
    assert (vote.user, vote.tier, vote.district.slug, vote.receipt) == (voter, 2, "d1", entry.entry_hash)
    single.refresh_from_db()
    assert single.votes_count == 1


def test_a_repeat_answers_409_with_the_vote_that_stands(api_for, voter, single):
    client = api_for(voter)
    first, second = option_ids(single)[:2]
    created = post_json(client, vote_path(single), {"options": [first]})

    repeat = post_json(client, vote_path(single), {"options": [second]})

    error = assert_api_error_with_vote(repeat)
    assert error["code"] == "already_voted" and "изменить его нельзя" in error["message"]
    assert error["vote"]["options"] == [first] and error["vote"]["receipt"] == created.json()["receipt"]
    assert PollVote.objects.count() == LedgerEntry.objects.count() == 1


def assert_api_error_with_vote(response):
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields", "vote"}
    return error


def test_a_ranked_ballot_keeps_the_order_of_preference(api_for, voter, ranked):
    a, b, c, d = option_ids(ranked)

    response = post_json(api_for(voter), vote_path(ranked), {"options": [c, a, d]})

    assert response.status_code == 201, response.content
    choices = PollChoice.objects.order_by("rank").values_list("option_id", "rank")
    assert list(choices) == [(c, 1), (a, 2), (d, 3)]
    listed = api_for(voter).get(f"{API}/municipalities/testgrad/polls").json()["items"]
    assert {p["id"]: p["my_vote"] for p in listed}[ranked.pk] == [c, a, d]


# Every kind of bad ballot: a clear message, and nothing stored.

ONCE = "Каждый вариант можно выбрать только один раз."


@pytest.mark.parametrize(
    ("ballot", "status", "message"),
    [
        (lambda ids, other: {"options": [999_999]}, 400, "Выберите из вариантов этого опроса."),
        (lambda ids, other: {"options": [other[0]]}, 400, "Выберите из вариантов этого опроса."),
        (lambda ids, other: {"options": [ids[0]]}, 400, "Выберите от 2 до 3 вариантов."),
        (lambda ids, other: {"options": ids[:4]}, 400, "Выберите от 2 до 3 вариантов."),
        (lambda ids, other: {"options": []}, 400, "Выберите от 2 до 3 вариантов."),
        (lambda ids, other: {"options": [ids[0], ids[0]]}, 400, ONCE),
        (lambda ids, other: {"options": "1"}, 422, None),
        (lambda ids, other: {"options": [str(ids[0]), str(ids[1])]}, 422, None),
        (lambda ids, other: {"options": [True, ids[1]]}, 422, None),
        (lambda ids, other: {"options": [ids[0] + 0.5, ids[1]]}, 422, None),
        (lambda ids, other: {"options": None}, 422, None),
        (lambda ids, other: {}, 422, None),
        (lambda ids, other: "", 422, None),
        (lambda ids, other: "[1, 2", 400, None),
    ],
    ids=[
        "unknown-id",
        "option-of-another-poll",
        "too-few",
        "too-many",
        "none-chosen",
        "duplicate-ids",
        "a-string",
        "string-ids",
        "boolean-id",
        "fractional-id",
        "null",
        "no-options-key",
        "empty-body",
        "broken-json",
    ],
)
def test_a_bad_ballot_is_refused_with_a_clear_message(
    ballot, status, message, api_for, voter, multiple, single
):
    payload = ballot(option_ids(multiple), option_ids(single))

    response = post_json(api_for(voter), vote_path(multiple), payload)

    assert response.status_code == status, response.content
    error = assert_api_error(response, status)
    if status == 422:  # the schema names the field: "options", "options.0", or the missing body
        assert all(name.split(".")[0] in {"options", "payload"} for name in error["fields"]), error
    if message is not None:
        assert error["code"] == "invalid_ballot" and error["fields"] == {"options": [message]}
    nothing_stored(multiple, single)


@pytest.mark.language("en")
def test_ranking_repeats_are_duplicates_and_too_many_ranks_are_refused(api_for, voter, ranked):
    a, b, c, d = option_ids(ranked)
    client = api_for(voter)

    repeated = post_json(client, vote_path(ranked), {"options": [a, b, a]})
    four = post_json(client, vote_path(ranked), {"options": [a, b, c, d]})

    assert assert_api_error(repeated, 400)["fields"] == {"options": ["Each option can be chosen only once."]}
    assert assert_api_error(four, 400)["fields"] == {"options": ["Rank from 1 to 3 options."]}
    nothing_stored(ranked)


def test_closed_and_not_yet_open_polls_take_no_votes(api_for, voter, make_poll, municipal_admin):
    client = api_for(voter)
    ended = make_poll("Ended", opens_in=timedelta(days=-3), lasts=timedelta(days=1))
    closed_early = make_poll("Closed early")
    poll_close(actor=municipal_admin, poll=closed_early)
    upcoming = make_poll("Upcoming", opens_in=timedelta(days=2))

    for poll in (ended, closed_early):
        vote = post_json(client, vote_path(poll), {"options": option_ids(poll)[:1]})
        error = assert_api_error(vote, 409, "poll_closed")
        assert error["message"] == "Опрос завершён, голоса больше не принимаются."
    error = assert_api_error(
        post_json(client, vote_path(upcoming), {"options": option_ids(upcoming)[:1]}), 409
    )
    assert error["code"] == "not_open_yet" and error["message"].startswith("Опрос ещё не открыт.")
    nothing_stored(ended, closed_early, upcoming)


def test_only_residents_of_the_polls_districts_may_vote(api_for, resident_of, make_poll, central, northern):
    poll = make_poll(districts=[central])
    ballot = {"options": option_ids(poll)[:1]}
    northerner = resident_of("northerner", northern)
    nowhere = resident_of("nowhere", None)

    for outsider in (northerner, nowhere):
        error = assert_api_error(post_json(api_for(outsider), vote_path(poll), ballot), 403)
        assert error["code"] == "other_district" and error["message"].endswith(": Центральный.")
    nothing_stored(poll)
    assert post_json(api_for(resident_of("local", central)), vote_path(poll), ballot).status_code == 201


def test_an_unverified_resident_cannot_vote_in_a_verified_only_poll(api_for, resident, single, multiple):
    error = assert_api_error(
        post_json(api_for(resident), vote_path(single), {"options": option_ids(single)[:1]}), 403
    )
    assert error["code"] == "forbidden"
    assert error["message"] == "Это доступно только подтверждённым жителям этого города."
    nothing_stored(single)
    # The registered tier is enough where the poll asks no more.
    response = post_json(api_for(resident), vote_path(multiple), {"options": option_ids(multiple)[:2]})
    assert response.status_code == 201
    assert PollVote.objects.get().tier == PollTier.REGISTERED and PollVote.objects.get().district is None


def test_anonymous_votes_get_401_and_unknown_polls_404(client, api_for, voter, single, make_poll):
    assert_api_error(post_json(client, vote_path(single), {"options": option_ids(single)[:1]}), 401)
    draft = make_poll(publish=False)
    assert_api_error(post_json(api_for(voter), vote_path(draft), {"options": option_ids(draft)[:1]}), 404)
    assert_api_error(post_json(api_for(voter), f"{API}/polls/nope/votes", {"options": [1]}), 404)
    nothing_stored(single, draft)


# The list.


def test_the_list_shows_published_polls_with_my_vote(api_for, client, voter, single, multiple, make_poll):
    make_poll("Draft", publish=False)
    make_poll("Later", opens_in=timedelta(days=1))
    poll_vote(user=voter, poll=single, options=option_ids(single)[2:])

    mine = api_for(voter).get(f"{API}/municipalities/testgrad/polls?status=open").json()
    anyone = client.get(f"{API}/municipalities/testgrad/polls").json()

    assert mine["count"] == 2
    polls = {p["title"]: p for p in mine["items"]}
    assert polls[single.title]["my_vote"] == option_ids(single)[2:]
    assert polls[multiple.title]["my_vote"] is None
    assert polls[single.title]["options"] == [
        {"id": pk, "text": text} for pk, text in single.options.values_list("pk", "text")
    ]
    assert {"id", "title", "kind", "options", "opens_at", "closes_at", "my_vote"} <= set(polls[single.title])
    assert polls[multiple.title]["kind"] == Kind.MULTIPLE and polls[multiple.title]["max_choices"] == 3
    assert sorted(p["title"] for p in anyone["items"]) == sorted([single.title, multiple.title, "Later"])
    assert all(p["my_vote"] is None for p in anyone["items"])
    scheduled = client.get(f"{API}/municipalities/testgrad/polls?status=scheduled").json()["items"]
    assert [p["title"] for p in scheduled] == ["Later"]
    assert_api_error(client.get(f"{API}/municipalities/testgrad/polls?status=draft"), 422)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_each_listed_poll_is_its_detail_as_the_poll_changes(
    api_for, voter, single, make_poll, municipal_admin, central, northern, language
):
    """The list keeps its polls in each process (`polls.listing`) under the municipality's token: it
    must follow every change the services make, in each language, and the counts and the caller's
    vote of the moment."""
    client = api_for(voter, language=language)
    limited = make_poll("For two districts", districts=[northern, central])
    municipality = single.municipality

    def listed_against_detail(slug="testgrad"):
        items = client.get(f"{API}/municipalities/{slug}/polls").json()["items"]
        for item in items:
            assert item == client.get(f"{API}/polls/{item['id']}").json()
        return {item["id"]: item for item in items}

    before = listed_against_detail()
    assert before[limited.pk]["districts"] == (["d1", "d2"] if language == "en" else ["d2", "d1"])
    poll_vote(user=voter, poll=single, options=option_ids(single)[:1])
    later = make_poll("Published later", opens_in=timedelta(days=1))
    after = listed_against_detail()
    assert after[single.pk]["my_vote"] == option_ids(single)[:1] and after[single.pk]["votes_count"] == 1
    assert after[later.pk]["status"] == "scheduled"

    district_save(
        actor=municipal_admin,
        municipality=municipality,
        district=northern,
        name_ru="Авиационный",
        name_en="Riverside",
        slug="air",
    )
    renamed = listed_against_detail()[limited.pk]
    assert renamed["districts"] == (["air", "d1"] if language == "ru" else ["d1", "air"])

    poll_close(actor=municipal_admin, poll=single)
    Municipality.objects.filter(pk=municipality.pk).update(slug="testgrad2")
    closed = listed_against_detail("testgrad2")[single.pk]
    assert closed["status"] == "closed" and closed["closed_early_at"] and "/testgrad2/" in closed["url"]

    # A write around the services is seen once it says so.
    Poll.objects.filter(pk=limited.pk).update(title="Renamed", description="*New* text")
    listings_changed(municipality.pk)
    renamed = listed_against_detail("testgrad2")[limited.pk]
    assert renamed["title"] == "Renamed" and "<em>New</em>" in renamed["description_html"]


def test_the_list_costs_the_same_queries_for_2_and_10_polls(api_for, voter, make_poll, central):
    client = api_for(voter)

    def list_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}/municipalities/testgrad/polls")
        assert response.status_code == 200
        return len(queries), response.json()

    def polls(names):
        for i in names:
            poll = make_poll(f"Poll {i}", districts=[central])
            poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])

    polls(range(1))
    client.get(f"{API}/me")  # the token's first use is written down; later ones within a minute are not
    list_queries()  # the list is kept
    polls(range(1, 2))
    # Read afresh after a change (the kept list's token is out of date), then from memory.
    few_afresh, _ = list_queries()
    few, _ = list_queries()
    polls(range(2, 10))
    many_afresh, _ = list_queries()
    many, body = list_queries()

    assert few == many and few_afresh == many_afresh
    assert few == 3  # the token's owner, the counts with the list's token, the caller's choices
    assert body["count"] == 10 and all(p["my_vote"] and p["districts"] == ["d1"] for p in body["items"])


# Results.


def test_results_are_403_until_the_poll_closes_then_public(
    api_for, client, voter, single, municipal_admin, official
):
    poll_vote(user=voter, poll=single, options=option_ids(single)[:1])
    path = f"{API}/polls/{single.pk}/results"

    error = assert_api_error(client.get(path), 403, "results_not_public")
    assert error["message"].startswith("Результаты будут опубликованы после завершения опроса")
    assert_api_error(api_for(voter).get(path), 403)
    early = api_for(official).get(path)  # those who run the poll see them at any time
    assert early.status_code == 200 and early.json()["public"] is False

    poll_close(actor=municipal_admin, poll=single)
    public = client.get(path)

    assert public.status_code == 200 and public.json()["public"] is True
    assert [o["votes"] for o in public.json()["options"]] == [1, 0, 0]


def test_live_results_are_public_while_voting_is_open(client, make_poll):
    poll = make_poll(live_results=True)
    response = client.get(f"{API}/polls/{poll.pk}/results")
    assert response.status_code == 200 and response.json()["status"] == "open"
    assert response.json()["voters"] == 0


def test_a_draft_and_its_results_are_not_found_for_the_public(client, api_for, verified_resident, make_poll):
    draft = make_poll(publish=False)
    for path in (f"{API}/polls/{draft.pk}", f"{API}/polls/{draft.pk}/results"):
        assert_api_error(client.get(path), 404)
        assert_api_error(api_for(verified_resident).get(path), 404)
    assert Poll.objects.count() == 1


def test_a_refusal_is_not_replayed_once_the_person_may_vote(api_for, resident, single, municipality, central):
    from veche.accounts.models import Verification

    api = api_for(resident)
    body = {"options": option_ids(single)[:1]}
    headers = {"idempotency-key": "vote-1"}
    refused = api.post(vote_path(single), body, content_type="application/json", headers=headers)
    assert refused.status_code == 403
    Verification.objects.create(
        user=resident, municipality=municipality, district=central, provider=Verification.Provider.IN_PERSON
    )
    retried = api.post(vote_path(single), body, content_type="application/json", headers=headers)
    assert retried.status_code == 201 and not retried.has_header("Idempotent-Replayed")
    replayed = api.post(vote_path(single), body, content_type="application/json", headers=headers)
    assert replayed.status_code == 201 and replayed["Idempotent-Replayed"] == "true"
    assert PollVote.objects.get().user == resident


def test_the_kept_list_follows_an_edit_in_the_django_admin(
    client, client_for, platform_admin, single, northern
):
    """The list keeps its municipality and districts (`polls.listing`): the admin's edits change the
    token as the services' do, so a municipality deactivated there is not found at once."""
    path = f"{API}/municipalities/testgrad/polls"
    assert client.get(path).status_code == 200
    admin = client_for(platform_admin)
    page = admin.get(f"/admin/municipalities/municipality/{single.municipality_id}/change/")
    data = {}
    for form in [
        page.context["adminform"].form,
        *(f for fs in page.context["inline_admin_formsets"] for f in fs.formset.forms),
    ]:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    data.pop("is_active", None)  # unticked

    changed = admin.post(f"/admin/municipalities/municipality/{single.municipality_id}/change/", data)

    assert changed.status_code == 302, (
        changed.context["adminform"].form.errors if changed.context else changed
    )
    assert_api_error(client.get(path), 404)
