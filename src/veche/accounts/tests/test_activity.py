"""My activity: a person's reports, signatures, supports, votes and ballots, newest first with their
receipts, on a page and at the API, each page at a fixed number of queries; nobody else's."""

import pytest
from django.test import Client
from django.utils import timezone

from veche.accounts.models import User
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.ledger.models import LedgerEntry
from veche.ledger.templatetags.receipts import receipt_groups
from veche.petitions.tests.kinds import KINDS
from veche.polls.services import poll_vote
from veche.polls.tests.helpers import option_ids
from veche.reports.services import report_support

# Newest first: the order `act` does them in, reversed.
KINDS_NEWEST_FIRST = ["ballot", "vote", "support", "signature", "report"]


@pytest.fixture
def act(municipality, municipal_admin, make_user, make_poll, make_process, submit):
    """`person` files a report, signs an appeal, supports an initiative, votes in a poll and casts a
    ballot, in that order; `n` of each but the ballot."""
    for kind in KINDS.values():
        kind.set_policy(municipality, municipal_admin)
    author = make_user("petitioner", verified_in=municipality)

    def do(person, n=1):
        process = make_process()  # one ballot per budget: a new process each time
        for i in range(n):
            submit(person, description=f"Street light {i} is out")
            for kind in KINDS.values():
                petition = kind.publish(
                    author=author, municipality=municipality, title=f"{kind.name} {i}", now=timezone.now()
                )
                kind.endorse(user=person, petition=petition)
            poll = make_poll(f"Poll {i}")
            poll_vote(user=person, poll=poll, options=option_ids(poll)[:1])
        budget = city_budget(process)
        ballot_cast(user=person, budget=budget, choices=approve(options(budget)[0]))

    return do


def test_my_activity_lists_what_i_did_newest_first_with_receipts(
    act, client_for, voter, resident_of, central
):
    act(voter)
    act(resident_of("neighbour", central))
    mine = set(
        LedgerEntry.objects.exclude(chain__in=[]).values_list("entry_hash", flat=True)
    )  # every receipt so far, the neighbour's too

    response = client_for(voter).get("/accounts/activity/")

    html = response.content.decode()
    assert response.status_code == 200
    items = list(response.context["page"])
    assert [item.kind for item in items] == KINDS_NEWEST_FIRST
    assert "Ваш бюллетень: «Participatory budget 1: весь город»" in html
    assert "Ваш голос в опросе «Poll 0»" in html
    assert "Ваша поддержка инициативы «initiative 0»" in html
    assert "Ваша подпись под петицией «appeal 0»" in html
    assert "Ваше обращение «Свет»: Street light 0 is out" in html and "отправлено" in html
    receipts = [item.receipt for item in items if item.receipt]
    neighbours = {
        item.receipt
        for item in client_for(User.objects.get(username="neighbour"))
        .get("/accounts/activity/")
        .context["page"]
    }
    assert len(receipts) == 4 and set(receipts) <= mine and not set(receipts) & neighbours
    for receipt in receipts:
        assert receipt_groups(receipt) in html and f"/ledger/?receipt={receipt}" in html
    assert "polls.poll:" not in html and "neighbour" not in html
    assert 'href="/accounts/activity/"' in html  # the menu's link


def test_my_activity_in_english(act, client_for, voter):
    act(voter)

    html = client_for(voter, language="en").get("/accounts/activity/").content.decode()

    assert "My activity" in html and "Your vote in the poll “Poll 0”" in html
    assert "Your signature under the appeal “appeal 0”" in html


def test_my_activity_costs_the_same_queries_for_5_and_15_things(
    act, client_for, voter, django_assert_num_queries
):
    client = client_for(voter)
    act(voter)
    with django_assert_num_queries(QUERIES):
        assert client.get("/accounts/activity/").status_code == 200
    act(voter, n=2)
    with django_assert_num_queries(QUERIES):
        response = client.get("/accounts/activity/")
    assert len(response.context["page"]) == 14  # 1 + 2 of each, but one ballot per budget
    assert response.context["page"].paginator.count == 14


def test_the_second_page_goes_on_where_the_first_ended(act, client_for, voter):
    act(voter, n=5)  # 5 of each, and one ballot: 21

    client = client_for(voter)
    first = client.get("/accounts/activity/")
    second = client.get("/accounts/activity/", {"page": 2})

    assert first.context["page"].paginator.count == 21
    shown = [(i.kind, i.at) for i in first.context["page"]] + [(i.kind, i.at) for i in second.context["page"]]
    assert len(shown) == 21 and [at for _k, at in shown] == sorted((at for _k, at in shown), reverse=True)
    assert "?page=2" in first.content.decode()


def test_my_activity_asks_to_sign_in(client):
    response = client.get("/accounts/activity/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_api_lists_my_activity_paginated(act, api_for, voter, django_assert_num_queries):
    act(voter, n=2)
    api = api_for(voter, language="en")

    with django_assert_num_queries(API_QUERIES):
        data = api.get("/api/v1/me/activity", {"limit": 3}).json()

    assert data["count"] == 9
    assert [item["kind"] for item in data["items"]] == ["ballot", "vote", "support"]
    vote = data["items"][1]
    assert vote["what"] == "Your vote in the poll “Poll 1”" and vote["url"].startswith("/m/testgrad/polls/")
    assert vote["receipt"] and vote["check_url"] == f"/ledger/?receipt={vote['receipt']}"
    rest = api.get("/api/v1/me/activity", {"limit": 10, "offset": 3}).json()["items"]
    assert [item["kind"] for item in rest][-1] == "report"
    assert rest[-1]["receipt"] is None and rest[-1]["status"] == "submitted"
    assert Client().get("/api/v1/me/activity").status_code == 401


# The session, the person, the count, the page's rows, the rows of each kind on it (one query; two
# for a counted kind: its rows, then what they were counted for) and the header's unread count.
QUERIES = 14
# The token and its person, the count, the page's rows, and three counted kinds.
API_QUERIES = 10


def test_a_me_too_on_someone_else_s_report_is_in_my_activity_without_a_receipt(
    client_for, voter, make_user, municipality, routed
):
    neighbour = make_user("neighbour", verified_in=municipality)
    report = routed(neighbour, description="Street light by the school is out")
    report_support(user=voter, report=report)

    mine = list(client_for(voter).get("/accounts/activity/").context["page"])
    theirs = list(client_for(neighbour).get("/accounts/activity/").context["page"])

    assert [(item.kind, item.receipt) for item in mine] == [("report_support", "")]
    assert str(mine[0].what) == "Вы поддержали обращение «Свет»: Street light by the school is out"
    assert mine[0].url.endswith(f"/reports/{report.pk}/")
    assert [item.kind for item in theirs] == ["report"]  # the author's own report, not the support
