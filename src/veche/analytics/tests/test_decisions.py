"""Decisions, the power-transfer index, the budget share and the flows, from rows the apps' services
write: adopted and rejected initiatives, polls closed with votes, counted budgets, crowd projects."""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from veche.accounts.models import User
from veche.analytics.classify import budget_share, power_transfer_index
from veche.analytics.decisions import BUDGET, CROWD, INITIATIVE, POLL, WEIGHING, decisions
from veche.analytics.flows import flows
from veche.analytics.models import MonthlyFact
from veche.analytics.periods import Period, add_months, month_of, parse_period
from veche.budgeting.models import Process, ProcessPhase, Tally
from veche.budgeting.services.ballots import ballot_cast as budget_ballot_cast
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.setup import process_move
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.crowdprojects.models import Idea, IdeaStatus, Project, Stage, StageKind
from veche.crowdprojects.services.implementation import milestone_add, milestone_complete
from veche.crowdprojects.services.selection import project_selection_publish
from veche.crowdprojects.services.voting import ballot_cast as crowd_ballot_cast
from veche.crowdprojects.tests.selection_helpers import decide, idea_in
from veche.crowdprojects.tests.voting_helpers import end_voting, voting_project
from veche.funding.services import campaigns_settle, pledge_make
from veche.funding.tests.helpers import cofinanced_project, open_campaign
from veche.initiatives.models import Initiative
from veche.initiatives.services import (
    initiative_accept,
    initiative_create,
    initiative_decide,
    initiative_publish,
    initiative_reject,
)
from veche.initiatives.tests.helpers import cast, reach_threshold
from veche.municipalities.models import District, Municipality
from veche.municipalities.zones import local_day, zone_of
from veche.petitions.tests.kinds import policy_fixture
from veche.polls.models import Kind, Poll, PollTier
from veche.polls.services import poll_create, poll_publish, poll_vote

# Three supporters make an initiative's threshold.
policy = policy_fixture("initiative")


# Builders shared with test_classify.py --------------------------------------------------------------


def this_year(municipality: Municipality) -> Period:
    """The twelve months up to the municipality's today: everything the builders do falls in it."""
    return parse_period("", today=local_day(municipality))


def local_midnight(municipality: Municipality) -> datetime:
    """The first moment of the municipality's current month, by its own clock."""
    day = month_of(local_day(municipality))
    return datetime.combine(day, time.min, tzinfo=zone_of(municipality))


def adopted_initiative(
    *,
    municipality: Municipality,
    author: User,
    supporters: list[User],
    official: User,
    title: str = "Велодорожка",
) -> Initiative:
    """Published 20 days ago, supported past its threshold, accepted with two options, voted on, and
    decided now: the option residents chose is published."""
    start = timezone.now() - timedelta(days=20)
    initiative = initiative_create(
        author=author, municipality=municipality, title=title, body="Вдоль набережной.", now=start
    )
    initiative = initiative_publish(author=author, initiative=initiative, now=start)
    reach_threshold(initiative, supporters, now=start + timedelta(days=1))
    initiative = initiative_accept(
        official=official,
        initiative=initiative,
        answer="Выберите вариант.",
        options=["Разметка", "Бордюры"],
        voting_days=7,
        now=start + timedelta(days=5),
    )
    cast(initiative, [(supporters[0], 0), (supporters[1], 0), (supporters[2], 1)])
    return initiative_decide(official=official, initiative=initiative)


def rejected_initiative(
    *, municipality: Municipality, author: User, supporters: list[User], official: User
) -> Initiative:
    start = timezone.now() - timedelta(days=3)
    initiative = initiative_create(
        author=author, municipality=municipality, title="Фонтан на площади", body="Большой.", now=start
    )
    initiative = initiative_publish(author=author, initiative=initiative, now=start)
    reach_threshold(initiative, supporters, now=start + timedelta(days=1))
    return initiative_reject(official=official, initiative=initiative, reasons="Нет денег в этом году.")


def closed_poll(
    *,
    municipality: Municipality,
    actor: User,
    voters: list[User],
    closes_at: datetime,
    title: str = "Где детская площадка?",
) -> Poll:
    """A poll of the municipality open for ten days up to `closes_at`, with a vote of each voter."""
    opens_at = closes_at - timedelta(days=10)
    poll = poll_create(
        actor=actor,
        municipality=municipality,
        title=title,
        description="",
        kind=Kind.SINGLE,
        options=["У школы", "В парке"],
        min_choices=1,
        max_choices=1,
        districts=[],
        tier=PollTier.VERIFIED,
        opens_at=opens_at,
        closes_at=closes_at,
        live_results=False,
        now=opens_at - timedelta(hours=1),
    )
    poll = poll_publish(actor=actor, poll=poll, now=opens_at - timedelta(minutes=1))
    first = poll.options.order_by("position").values_list("pk", flat=True)[0]
    for i, voter in enumerate(voters, start=1):
        poll_vote(user=voter, poll=poll, options=[first], now=opens_at + timedelta(hours=i))
    poll.refresh_from_db()
    return poll


def counted_budget(
    make_process: Callable[..., Process],
    *,
    voters: list[User],
    official: User,
    municipal_admin: User,
    published: bool = True,
) -> Tally:
    """A process of 10 000 roubles whose voters all approve the bike lane (4 000), the playground
    (3 000) and the benches (1 000): the count funds those three, 8 000 roubles."""
    process = make_process()
    budget = city_budget(process)
    bike, playground, benches, _fountain, _trees = options(budget)
    for voter in voters:
        budget_ballot_cast(user=voter, budget=budget, choices=approve(bike, playground, benches))
    process_move(actor=municipal_admin, process=process, to=ProcessPhase.COUNTING)
    budget.refresh_from_db()
    tally = budget_count(actor=official, budget=budget)
    if published:
        process_move(actor=municipal_admin, process=budget.process, to=ProcessPhase.RESULTS)
    return tally


def crowd_project(
    *,
    actor: User,
    municipality: Municipality,
    author: User,
    voter: User | None,
    track: bool = True,
    weigh: bool = True,
    **settings: object,
) -> tuple[Project, list[Idea]]:
    """A project of the full template taken through ideas, discussion and assessment (its stages are
    over; without `weigh` its timeline has neither), residents' vote (by `voter`, if any), a published
    selection that takes up the first idea, and with `track` a milestone of its work."""
    project, ideas = voting_project(actor=actor, municipality=municipality, author=author, **settings)
    if not weigh:
        Stage.objects.filter(project=project, kind__in=WEIGHING).delete()
    if voter is not None:
        crowd_ballot_cast(user=voter, project=project, ideas=[ideas[0].pk, ideas[1].pk])
    end_voting(project)
    decide(actor, ideas[0])
    for idea in ideas[1:]:
        decide(actor, idea, selected=False)
    project_selection_publish(actor=actor, project=project)
    if track:
        milestone_add(
            actor=actor,
            idea=ideas[0],
            title="Закупить скамейки",
            due_on=local_day(municipality) + timedelta(days=30),
        )
    for idea in ideas:
        idea.refresh_from_db()
    assert ideas[0].status == IdeaStatus.SELECTED
    return project, ideas


@pytest.fixture
def supporters(resident_of: Callable[..., User], central: District) -> list[User]:
    return [resident_of(f"supporter{i}", central) for i in range(4)]


@pytest.fixture
def author(resident_of: Callable[..., User], central: District) -> User:
    return resident_of("initiator", central)


# Tests ---------------------------------------------------------------------------------------------


def test_an_adopted_initiative_is_a_binding_decision_with_its_page(
    policy, municipality, author, supporters, official
):
    initiative = adopted_initiative(
        municipality=municipality, author=author, supporters=supporters, official=official
    )

    made = decisions(municipality, this_year(municipality), now=timezone.now())

    assert [(d.kind, d.id, d.binding, d.money) for d in made] == [(INITIATIVE, initiative.pk, True, None)]
    assert made[0].link == initiative.get_absolute_url()
    assert made[0].link.startswith("/") and municipality.slug in made[0].link
    assert made[0].when == Initiative.objects.get(pk=initiative.pk).decided_at


def test_a_rejection_is_a_decision_but_not_the_residents(policy, municipality, author, supporters, official):
    rejected_initiative(municipality=municipality, author=author, supporters=supporters, official=official)

    made = decisions(municipality, this_year(municipality), now=timezone.now())

    assert [(d.kind, d.binding) for d in made] == [(INITIATIVE, False)]


def test_a_poll_counts_once_closed_with_votes_and_an_initiatives_poll_not_on_its_own(
    policy, municipality, author, supporters, official, municipal_admin
):
    now = timezone.now()
    closed = closed_poll(
        municipality=municipality,
        actor=municipal_admin,
        voters=supporters[:2],
        closes_at=now - timedelta(days=1),
    )
    closed_poll(
        municipality=municipality, actor=municipal_admin, voters=[], closes_at=now - timedelta(days=1)
    )
    closed_poll(
        municipality=municipality,
        actor=municipal_admin,
        voters=supporters[:1],
        closes_at=now + timedelta(days=1),
    )
    initiative = adopted_initiative(
        municipality=municipality, author=author, supporters=supporters, official=official
    )

    made = decisions(municipality, this_year(municipality), now=now + timedelta(minutes=1))

    assert sorted((d.kind, d.id, d.binding) for d in made) == [
        (INITIATIVE, initiative.pk, True),
        (POLL, closed.pk, False),
    ]


def test_a_counted_budget_is_binding_with_its_money_and_unpublished_results_are_not_yet(
    make_process, supporters, official, municipal_admin
):
    tally = counted_budget(
        make_process, voters=supporters[:3], official=official, municipal_admin=municipal_admin
    )
    counted_budget(
        make_process,
        voters=supporters[:2],
        official=official,
        municipal_admin=municipal_admin,
        published=False,
    )
    municipality = tally.process.municipality

    made = decisions(municipality, this_year(municipality), now=timezone.now())

    assert tally.total_cost == 8000 and tally.voters == 3
    assert [(d.kind, d.id, d.binding, d.money, d.money_by_residents) for d in made] == [
        (BUDGET, tally.process_id, True, 10_000, 8000)
    ]
    assert budget_share(municipality, this_year(municipality)) == pytest.approx(0.8)


def test_a_recount_replaces_the_count(make_process, supporters, official, municipal_admin):
    tally = counted_budget(
        make_process,
        voters=supporters[:3],
        official=official,
        municipal_admin=municipal_admin,
        published=False,
    )
    newer = budget_count(actor=official, budget=tally.budget, rule="greedy")
    process_move(actor=municipal_admin, process=tally.process, to=ProcessPhase.RESULTS)
    municipality = tally.process.municipality

    made = decisions(municipality, this_year(municipality), now=timezone.now())

    assert (
        len(made) == 1 and made[0].when == newer.counted_at and made[0].money_by_residents == newer.total_cost
    )


def test_a_crowd_selection_after_a_vote_is_binding_without_one_it_is_not(
    municipality, municipal_admin, author, voter, make_user
):
    voted, _ideas = crowd_project(
        actor=municipal_admin, municipality=municipality, author=author, voter=voter
    )
    unvoted, _ = crowd_project(
        actor=municipal_admin, municipality=municipality, author=author, voter=None, title="Новая аллея"
    )

    made = decisions(municipality, this_year(municipality), now=timezone.now())

    assert sorted((d.kind, d.id, d.binding, d.money) for d in made) == [
        (CROWD, voted.pk, True, None),
        (CROWD, unvoted.pk, False, None),
    ]


def test_a_decision_belongs_to_the_month_of_the_municipalitys_clock(
    municipality, municipal_admin, supporters
):
    """Moscow's midnight is 21:00 UTC the day before: a poll that closes at it belongs to the new month,
    one a second earlier to the month before."""
    boundary = local_midnight(municipality)
    this_month = Period(month_of(local_day(municipality)), add_months(month_of(local_day(municipality)), 1))
    last_month = Period(add_months(this_month.start, -1), this_month.start)
    at_boundary = closed_poll(
        municipality=municipality, actor=municipal_admin, voters=supporters[:1], closes_at=boundary
    )
    before = closed_poll(
        municipality=municipality,
        actor=municipal_admin,
        voters=supporters[:1],
        closes_at=boundary - timedelta(seconds=1),
        title="Где сквер?",
    )
    now = timezone.now() + timedelta(minutes=1)

    assert boundary.astimezone(UTC).hour == 21
    assert [d.id for d in decisions(municipality, this_month, now=now)] == [at_boundary.pk]
    assert [d.id for d in decisions(municipality, last_month, now=now)] == [before.pk]
    assert (
        decisions(
            municipality, Period(add_months(this_month.start, 1), add_months(this_month.start, 2)), now=now
        )
        == []
    )


@pytest.mark.language("en")
def test_power_transfer_on_a_hand_computed_example(
    policy, municipality, author, supporters, official, municipal_admin, make_process
):
    """Three decisions: an adopted initiative (binding, no money), a poll (consultative) and a counted
    budget (binding; 8 000 of 10 000 roubles allocated by the ballots).
    D = 2/3, M = 8000/10000 = 0.8, PTI = (2/3 + 0.8) / 2 = 0.7333..."""
    adopted_initiative(municipality=municipality, author=author, supporters=supporters, official=official)
    closed_poll(
        municipality=municipality,
        actor=municipal_admin,
        voters=supporters[:1],
        closes_at=timezone.now() - timedelta(hours=1),
    )
    counted_budget(make_process, voters=supporters[:3], official=official, municipal_admin=municipal_admin)

    pti = power_transfer_index(municipality, this_year(municipality))

    assert (pti.decisions, pti.binding, pti.money, pti.money_by_residents) == (3, 2, 10_000, 8000)
    assert pti.decision_share == pytest.approx(2 / 3)
    assert pti.money_share == pytest.approx(0.8)
    assert pti.index == pytest.approx((2 / 3 + 0.8) / 2)


def test_power_transfer_is_none_without_decisions_and_the_decision_share_without_money(
    policy, municipality, author, supporters, official
):
    period = this_year(municipality)
    assert power_transfer_index(municipality, period).index is None
    assert budget_share(municipality, period) is None

    rejected_initiative(municipality=municipality, author=author, supporters=supporters, official=official)
    adopted_initiative(municipality=municipality, author=author, supporters=supporters, official=official)

    pti = power_transfer_index(municipality, period)
    assert (pti.decision_share, pti.money_share, pti.index) == (0.5, None, 0.5)


def test_flows_count_each_step_in_the_period(
    policy, municipality, author, supporters, official, municipal_admin, voter
):
    period = this_year(municipality)
    month = month_of(local_day(municipality))
    for metric, value in [
        ("reports_received", 5),
        ("reports_answered", 4),
        ("reports_answered_in_time", 3),
        ("reports_disputed", 1),
    ]:
        MonthlyFact.objects.create(
            municipality=municipality, month=month, metric=metric, key="0|0|0", value=value
        )
    # A month outside the period is left out.
    MonthlyFact.objects.create(
        municipality=municipality, month=add_months(period.start, -1), metric="reports_received", value=100
    )
    adopted_initiative(municipality=municipality, author=author, supporters=supporters, official=official)
    rejected_initiative(municipality=municipality, author=author, supporters=supporters, official=official)
    _project, ideas = crowd_project(
        actor=municipal_admin, municipality=municipality, author=author, voter=voter
    )
    milestone = ideas[0].milestones.get()
    milestone_complete(actor=municipal_admin, milestone=milestone)

    result = flows(municipality, period)

    assert result.edges == [
        ("report", "answered", 4),
        ("answered", "answered_in_time", 3),
        ("answered", "disputed", 1),
        ("initiative", "threshold", 2),
        ("threshold", "initiative_vote", 1),
        ("initiative_vote", "adopted", 1),
        ("idea", "selected", 1),
        ("selected", "implemented", 1),
    ]
    assert result.stages["report"] == 5 and result.stages["initiative"] == 2
    assert result.labels["answered_in_time"] == "ответ в срок"
    assert result.rows()[0] == {
        "from": "report",
        "to": "answered",
        "from_label": "сообщения",
        "to_label": "получен ответ",
        "count": 4,
    }


@pytest.mark.language("en")
def test_flow_labels_in_english(municipality):
    result = flows(municipality, this_year(municipality))
    assert result.labels["answered_in_time"] == "answered in time"
    assert all(count == 0 for _a, _b, count in result.edges)


def test_a_crowd_selection_concerns_the_money_its_taken_up_ideas_raised(
    municipality, municipal_admin, author, voter, resident, verified_resident
):
    """A co-financed project: residents voted, the fountain was taken up and its campaign reached
    100 000 roubles; a campaign that failed is not money the decision concerned."""
    project = cofinanced_project(actor=municipal_admin, municipality=municipality)
    fountain, benches = idea_in(project, author, "Фонтан"), idea_in(project, author, "Скамейки")
    voting = Stage.objects.get(project=project, kind=StageKind.VOTING)
    crowd_ballot_cast(
        user=voter, project=project, ideas=[fountain.pk], now=voting.starts_at + timedelta(hours=1)
    )
    decide(municipal_admin, fountain)
    decide(municipal_admin, benches)
    project_selection_publish(actor=municipal_admin, project=project)
    fountain.refresh_from_db()
    benches.refresh_from_db()
    raised = open_campaign(actor=municipal_admin, idea=fountain, target=100_000)
    short = open_campaign(actor=municipal_admin, idea=benches, target=50_000)
    pledge_make(user=resident, campaign=raised, amount=60_000)
    pledge_make(user=verified_resident, campaign=raised, amount=40_000)
    pledge_make(user=resident, campaign=short, amount=1_000)
    campaigns_settle(now=raised.deadline)

    made = decisions(municipality, this_year(municipality), now=timezone.now())

    assert [(d.kind, d.id, d.binding, d.money, d.money_by_residents) for d in made] == [
        (CROWD, project.pk, True, 100_000, 100_000)
    ]
