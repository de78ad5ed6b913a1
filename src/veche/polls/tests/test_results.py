"""Results on a known set of votes, with the expected numbers worked out by hand."""

from io import StringIO

import pytest
from django.core.management import call_command

from veche.polls.models import Kind, PollTier
from veche.polls.selectors import poll_results
from veche.polls.services import poll_close, poll_vote
from veche.polls.tests.helpers import option_ids


@pytest.fixture
def people(resident_of, make_user, central, northern):
    """Three voters verified in Central, two in Northern, one only registered."""
    return {
        "c1": resident_of("c1", central),
        "c2": resident_of("c2", central),
        "c3": resident_of("c3", central),
        "n1": resident_of("n1", northern),
        "n2": resident_of("n2", northern),
        "r1": make_user("r1"),
    }


def cast(poll, people, ballots):
    ids = dict(zip("ABCDEFG", option_ids(poll), strict=False))
    for name, letters in ballots.items():
        poll_vote(user=people[name], poll=poll, options=[ids[letter] for letter in letters])


def public_results(client, poll, admin):
    poll_close(actor=admin, poll=poll)
    response = client.get(f"/api/v1/polls/{poll.pk}/results")
    assert response.status_code == 200, response.content
    return response.json()


def turnout(body):
    return [(row["district"], row["voters"]) for row in body["turnout"]]


def test_single_choice(client, make_poll, people, municipal_admin):
    poll = make_poll(options=["A", "B", "C"], tier=PollTier.REGISTERED)
    cast(poll, people, {"c1": "A", "c2": "A", "c3": "B", "n1": "C", "n2": "A", "r1": "B"})

    body = public_results(client, poll, municipal_admin)

    assert body["voters"] == 6
    assert [(o["text"], o["votes"], o["share"]) for o in body["options"]] == [
        ("A", 3, 0.5),
        ("B", 2, 0.3333),
        ("C", 1, 0.1667),
    ]
    assert all(o["borda"] is None and o["ranked_by"] is None for o in body["options"])
    # Districts by name in the reader's language (Северный, Центральный), then the voter with no
    # verified district.
    assert turnout(body) == [("d2", 2), ("d1", 3), (None, 1)]


def test_multiple_choice(client, make_poll, people, municipal_admin):
    poll = make_poll(
        options=["W", "X", "Y", "Z"],
        kind=Kind.MULTIPLE,
        min_choices=1,
        max_choices=3,
        tier=PollTier.REGISTERED,
    )
    cast(poll, people, {"c1": "AB", "c2": "A", "n1": "BCA", "r1": "D"})

    body = public_results(client, poll, municipal_admin)

    assert body["voters"] == 4
    assert [(o["text"], o["votes"], o["share"]) for o in body["options"]] == [
        ("W", 3, 0.75),
        ("X", 2, 0.5),
        ("Y", 1, 0.25),
        ("Z", 1, 0.25),
    ]
    assert turnout(body) == [("d2", 1), ("d1", 2), (None, 1)]
    assert "сумма долей больше 100%" in body["counting"]


@pytest.mark.language("en")
def test_ranked_first_preferences_and_borda(client, make_poll, people, municipal_admin):
    # Four options: a first place earns 3 points, a second 2, a third 1, an unranked option 0.
    poll = make_poll(options=["P", "Q", "R", "S"], kind=Kind.RANKED, min_choices=1, max_choices=3)
    cast(poll, people, {"c1": "ABC", "c2": "BA", "c3": "C", "n1": "BCA", "n2": "AD"})

    body = public_results(client, poll, municipal_admin)

    # P: 3+2+0+1+3 = 9   Q: 2+3+0+3+0 = 8   R: 1+0+3+2+0 = 6   S: 0+0+0+0+2 = 2
    # First places: P (c1, n2), Q (c2, n1), R (c3).
    assert body["voters"] == 5
    assert [(o["text"], o["votes"], o["borda"], o["ranked_by"]) for o in body["options"]] == [
        ("P", 2, 9, 4),
        ("Q", 2, 8, 3),
        ("R", 1, 6, 3),
        ("S", 0, 2, 1),
    ]
    assert [o["share"] for o in body["options"]] == [0.4, 0.4, 0.2, 0.0]
    assert turnout(body) == [("d1", 3), ("d2", 2)]  # Central, Northern: by name in English
    assert "Borda score: on each ballot an option ranked first earns 3 points" in body["counting"]
    assert [o.text for o in poll_results(poll=poll).ordered] == ["P", "Q", "R", "S"]


def test_a_district_poll_counts_turnout_in_its_districts(client, make_poll, people, central, municipal_admin):
    poll = make_poll(options=["Yes", "No"], districts=[central])
    cast(poll, people, {"c1": "A", "c2": "B"})

    body = public_results(client, poll, municipal_admin)

    assert turnout(body) == [("d1", 2)]
    assert [(o["text"], o["votes"]) for o in body["options"]] == [("Yes", 1), ("No", 1)]


def test_the_ledger_verifies_after_votes(make_poll, people):
    single = make_poll(options=["A", "B"], tier=PollTier.REGISTERED)
    other = make_poll("Another", options=["A", "B"], tier=PollTier.REGISTERED)
    cast(single, people, dict.fromkeys(people, "A"))
    cast(other, people, {"c1": "B"})

    out = StringIO()
    call_command("ledger", "verify", stdout=out)

    assert out.getvalue().strip() == "ok: 2 chains intact"
