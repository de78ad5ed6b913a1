"""The poll pages: the list with its tabs, the ballot of every kind, the receipt, results, staff pages."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.core.models import AuditEntry
from veche.core.testing import messages_of
from veche.ledger.models import LedgerEntry
from veche.polls.models import Kind, Poll, PollChoice, PollTier, PollVote, Status
from veche.polls.services import poll_close, poll_vote
from veche.polls.tests.helpers import option_ids

BASE = "/m/testgrad/polls/"
STAFF = "/m/testgrad/staff/polls/"


def url(poll, action=""):
    return f"{BASE}{poll.pk}/{action + '/' if action else ''}"


# The list.


def test_the_list_has_tabs_and_says_where_i_voted(client_for, voter, single, multiple, make_poll):
    make_poll("Next month", opens_in=timedelta(days=30))
    make_poll("Last month", opens_in=timedelta(days=-30))
    make_poll("Still a draft", publish=False)
    poll_vote(user=voter, poll=single, options=option_ids(single)[:1])
    client = client_for(voter)

    open_tab = client.get(BASE)
    upcoming = client.get(f"{BASE}?status=scheduled")
    closed = client.get(f"{BASE}?status=closed")

    assert [p.title for p in open_tab.context["page"]] == [single.title, multiple.title]
    assert {p.title: p.voted for p in open_tab.context["page"]} == {single.title: True, multiple.title: False}
    text = open_tab.content.decode()
    assert "Вы проголосовали" in text and "Вы ещё не голосовали" in text and "Still a draft" not in text
    assert [p.title for p in upcoming.context["page"]] == ["Next month"]
    assert [p.title for p in closed.context["page"]] == ["Last month"]
    assert [count for _s, _label, count in open_tab.context["tabs"]] == [2, 1, 1]
    assert client.get(f"{BASE}?status=draft").context["status"] == Status.OPEN


def test_the_list_costs_the_same_queries_for_2_and_10_polls(client_for, voter, make_poll, central):
    client = client_for(voter)

    def list_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(BASE)
        assert response.status_code == 200
        return len(queries), response

    for i in range(2):
        poll = make_poll(f"Poll {i}", districts=[central], live_results=True)
        poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])
    few, _ = list_queries()
    for i in range(2, 10):
        poll = make_poll(f"Poll {i}", districts=[central], live_results=bool(i % 2))
        if i % 3:
            poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])
    many, response = list_queries()

    assert few == many
    assert len(response.context["page"]) == 10 and response.content.decode().count("Центральный") == 10


# Voting through the ballot form, without JavaScript.


def test_a_single_choice_vote_shows_the_receipt(client_for, voter, single):
    chosen = option_ids(single)[1]
    client = client_for(voter)
    ballot = client.get(url(single)).content.decode()
    assert 'type="radio"' in ballot and "Поданный голос нельзя изменить." in ballot

    response = client.post(url(single, "vote"), {"options": str(chosen)})

    assert response.status_code == 200
    entry = LedgerEntry.objects.get()
    text = response.content.decode()
    assert entry.entry_hash in text and f"/ledger/?receipt={entry.entry_hash}" in text
    assert response.context["receipt"].nonce in text and "In the park" in text
    assert list(PollChoice.objects.values_list("option_id", flat=True)) == [chosen]
    again = client.get(url(single)).content.decode()
    assert "Вы проголосовали" in again and "Голос нельзя изменить." in again and entry.entry_hash in again
    assert 'type="radio"' not in again
    assert client.get(f"/ledger/?receipt={entry.entry_hash}").status_code == 200


def test_a_vote_refused_by_the_rate_limit_answers_429_with_retry_after(client_for, voter, single):
    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "write": "0/3600"}):
        response = client_for(voter).post(url(single, "vote"), {"options": str(option_ids(single)[1])})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    # The ballot again, with the refusal; nothing written.
    assert 'type="radio"' in response.content.decode() and response.context["vote_error"]
    assert not PollVote.objects.exists() and not LedgerEntry.objects.exists()


def test_a_multiple_choice_vote_through_checkboxes(client_for, resident, multiple):
    ids = option_ids(multiple)
    client = client_for(resident)
    assert 'type="checkbox"' in client.get(url(multiple)).content.decode()

    response = client.post(url(multiple, "vote"), {"options": [str(ids[0]), str(ids[3])]})

    assert response.status_code == 200
    assert sorted(PollChoice.objects.values_list("option_id", flat=True)) == [ids[0], ids[3]]


def test_a_ranked_vote_through_rank_selects(client_for, voter, ranked):
    a, b, c, d = option_ids(ranked)
    client = client_for(voter)
    assert f'name="rank_{a}"' in client.get(url(ranked)).content.decode()

    response = client.post(url(ranked, "vote"), {f"rank_{a}": "2", f"rank_{b}": "", f"rank_{c}": "1"})

    assert response.status_code == 200
    assert list(PollChoice.objects.order_by("rank").values_list("option_id", flat=True)) == [c, a]


@pytest.mark.language("en")
@pytest.mark.parametrize(
    ("ranks", "message"),
    [
        ({0: "1", 1: "1"}, "Each rank can be given to one option only."),
        ({0: "1", 1: "3"}, "Give the ranks in order from 1, without gaps."),
        ({}, "Rank from 1 to 3 options."),
        ({0: "9"}, "Select a valid choice."),
    ],
    ids=["repeated-rank", "gap", "nothing-ranked", "rank-out-of-range"],
)
def test_a_bad_ranking_is_refused_on_the_page(ranks, message, client_for, voter, ranked):
    ids = option_ids(ranked)

    response = client_for(voter).post(url(ranked, "vote"), {f"rank_{ids[i]}": r for i, r in ranks.items()})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PollVote.objects.exists() and not LedgerEntry.objects.exists()


def test_page_refusals_say_why(client_for, resident, voter, single, multiple, make_poll, municipal_admin):
    ids = option_ids(multiple)
    too_few = client_for(voter).post(url(multiple, "vote"), {"options": [str(ids[0])]})
    assert too_few.status_code == 400 and "Выберите от 2 до 3 вариантов." in too_few.content.decode()

    unverified = client_for(resident).post(url(single, "vote"), {"options": str(option_ids(single)[0])})
    assert unverified.status_code == 403
    assert "Это доступно только подтверждённым жителям этого города." in unverified.content.decode()

    poll_close(actor=municipal_admin, poll=single)
    closed = client_for(voter).post(url(single, "vote"), {"options": str(option_ids(single)[0])})
    assert closed.status_code == 409
    assert "Опрос завершён, голоса больше не принимаются." in closed.content.decode()
    assert not PollVote.objects.exists() and not LedgerEntry.objects.exists()


def test_a_second_vote_on_the_page_keeps_the_first(client_for, voter, single):
    first, second = option_ids(single)[:2]
    client = client_for(voter)
    client.post(url(single, "vote"), {"options": str(first)})

    response = client.post(url(single, "vote"), {"options": str(second)}, follow=True)

    assert "Вы уже проголосовали здесь. Ваш голос учтён, изменить его нельзя." in messages_of(response)
    assert list(PollChoice.objects.values_list("option_id", flat=True)) == [first]


def test_anonymous_visitors_read_but_are_sent_to_log_in_to_vote(client, single):
    page = client.get(url(single))
    assert page.status_code == 200 and "Войдите, чтобы проголосовать." in page.content.decode()

    response = client.post(url(single, "vote"), {"options": str(option_ids(single)[0])})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not PollVote.objects.exists()


def test_a_resident_of_another_district_is_told_before_voting(
    client_for, resident_of, make_poll, central, northern
):
    poll = make_poll(districts=[central])
    page = client_for(resident_of("northerner", northern)).get(url(poll)).content.decode()
    assert "Голосовать могут только жители, подтвердившие проживание в этих районах: Центральный." in page
    assert 'type="radio"' not in page


# Results.


def test_the_results_page_has_an_accessible_table_and_turnout(
    client_for, client, voter, ranked, municipal_admin
):
    a, b, c, d = option_ids(ranked)
    poll_vote(user=voter, poll=ranked, options=[c, a])
    assert client.get(url(ranked, "results")).status_code == 403

    poll_close(actor=municipal_admin, poll=ranked)
    response = client.get(url(ranked, "results"))

    assert response.status_code == 200
    text = response.content.decode()
    assert '<th scope="col">Баллы Борда</th>' in text and '<th scope="row">Lighting</th>' in text
    assert "Явка по районам" in text and "<meter" in text and "Баллы Борда: в каждом бюллетене" in text
    assert [o.text for o in response.context["results"].ordered][:2] == ["Lighting", "Courtyards"]


# Staff pages.


def poll_form(**overrides):
    start = timezone.localtime(timezone.now() + timedelta(hours=1))
    data = {
        "title": "Which bus routes need more buses?",
        "description": "Choose up to two.",
        "kind": Kind.MULTIPLE,
        "options": "Route 1\r\nRoute 7\r\n\r\nRoute 12\r\n",
        "min_choices": "1",
        "max_choices": "2",
        "tier": str(PollTier.REGISTERED),
        "opens_at": start.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (start + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    }
    return {**data, **overrides}


def test_an_official_creates_edits_publishes_and_closes_a_poll(client_for, official, municipality):
    client = client_for(official)
    assert client.get(f"{STAFF}new/").status_code == 200

    created = client.post(f"{STAFF}new/", poll_form())

    poll = Poll.objects.get()
    assert created.status_code == 302 and created["Location"] == f"{STAFF}{poll.pk}/"
    assert list(poll.options.values_list("text", flat=True)) == ["Route 1", "Route 7", "Route 12"]
    assert (poll.kind, poll.max_choices, poll.tier, poll.published_at) == ("multiple", 2, 1, None)
    assert client.get(BASE).context["tabs"][1][2] == 0  # a draft is not listed

    edited = client.post(f"{STAFF}{poll.pk}/", poll_form(title="Which routes need more buses at night?"))
    assert edited.status_code == 302
    poll.refresh_from_db()
    assert poll.title == "Which routes need more buses at night?"

    published = client.post(f"{STAFF}{poll.pk}/publish/", follow=True)
    assert "Опрос опубликован. Голосование начнётся в назначенное время." in messages_of(published)
    assert client.get(f"{BASE}?status=scheduled").context["page"][0] == poll
    frozen = client.get(f"{STAFF}{poll.pk}/")
    assert frozen.context["form"] is None and "изменить его уже нельзя" in frozen.content.decode()
    refused = client.post(f"{STAFF}{poll.pk}/", poll_form(title="Changed after publishing"))
    assert refused.status_code == 409

    closed = client.post(f"{STAFF}{poll.pk}/close/", follow=True)
    assert "Опрос завершён. Поданные голоса сохраняются." in messages_of(closed)
    poll.refresh_from_db()
    assert poll.title == "Which routes need more buses at night?" and poll.closed_at is not None
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "actor__username")) == [
        ("poll.create", "official"),
        ("poll.update", "official"),
        ("poll.publish", "official"),
        ("poll.close", "official"),
    ]


@pytest.mark.language("en")
def test_the_staff_form_shows_what_is_wrong(client_for, municipal_admin):
    response = client_for(municipal_admin).post(
        f"{STAFF}new/", poll_form(options="Only one", closes_at=poll_form()["opens_at"])
    )
    assert response.status_code == 400
    assert "Give between 2 and 20 options." in response.content.decode()
    assert not Poll.objects.exists()


def test_times_are_read_in_the_municipalitys_time_zone(client_for, municipal_admin, municipality):
    municipality.timezone = "Asia/Novosibirsk"
    municipality.save()
    client_for(municipal_admin).post(
        f"{STAFF}new/", poll_form(opens_at="2030-06-01T09:00", closes_at="2030-06-08T21:00")
    )
    poll = Poll.objects.get()
    assert poll.opens_at.isoformat() == "2030-06-01T02:00:00+00:00"


def test_staff_pages_are_not_found_for_residents_and_moderators(
    client_for, verified_resident, moderator, make_poll, make_user, other_municipality
):
    poll = make_poll(publish=False)
    other_admin = make_user("otheradmin", role="admin", municipality=other_municipality)
    for user in (verified_resident, moderator, other_admin):
        client = client_for(user)
        for path in (STAFF, f"{STAFF}new/", f"{STAFF}{poll.pk}/", url(poll)):
            assert client.get(path).status_code == 404, (user, path)
        assert client.post(f"{STAFF}{poll.pk}/publish/").status_code == 404
    poll.refresh_from_db()
    assert poll.published_at is None
    assert client_for(None).get(STAFF).status_code == 302
