"""Each wing awards through its own services: votes (polls, budgets, crowd projects) once per poll or
ballot, an idea taken up, an amendment accepted, a monitoring report filed, co-financing; and the
"every poll of a year" badge from the polls of a year that is over."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from veche.budgeting.services.ballots import ballot_cast as budget_ballot_cast
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.crowdprojects.models import IdeaAuthor, StageKind
from veche.crowdprojects.services.implementation import monitoring_report_file
from veche.crowdprojects.services.selection import project_selection_publish
from veche.crowdprojects.services.voting import ballot_cast as crowd_ballot_cast
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.crowdprojects.tests.selection_helpers import decide, idea_in, implementing
from veche.crowdprojects.tests.voting_helpers import voting_project
from veche.drafting.services import amendment_decide, amendment_propose
from veche.drafting.tests.helpers import drafting_project, published_document, section
from veche.funding.services import campaigns_settle, pledge_make
from veche.funding.tests.helpers import cofinanced_project, open_campaign, taken_up_idea
from veche.ledger.services import AlreadyVoted
from veche.moderation.services import content_hide
from veche.polls.models import Poll
from veche.polls.services import poll_close, poll_vote
from veche.polls.tests.helpers import option_ids
from veche.recognition.models import Action, Kind, PointEntry
from veche.recognition.selectors import standings_of
from veche.recognition.tests.helpers import points_of

pytestmark = pytest.mark.django_db


def awards(user, action):
    return list(
        PointEntry.objects.filter(user=user, action=action, kind=Kind.AWARD).values_list("subject", "points")
    )


def test_a_poll_vote_earns_a_point_once(make_poll, voter):
    poll = make_poll()
    poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])
    with pytest.raises(AlreadyVoted):
        poll_vote(user=voter, poll=poll, options=option_ids(poll)[1:2])

    assert awards(voter, Action.VOTE_CAST) == [(f"polls.poll:{poll.pk}", 1)]


def test_a_budget_ballot_and_a_crowd_ballot_earn_a_point_each_once(
    make_process, voter, municipality, municipal_admin, author
):
    budget = city_budget(make_process())
    bike, playground, *_ = options(budget)
    budget_ballot_cast(user=voter, budget=budget, choices=approve(bike))
    with pytest.raises(AlreadyVoted):
        budget_ballot_cast(user=voter, budget=budget, choices=approve(playground))
    project, ideas = voting_project(actor=municipal_admin, municipality=municipality, author=author)
    crowd_ballot_cast(user=voter, project=project, ideas=[ideas[0].pk])
    with pytest.raises(AlreadyVoted):
        crowd_ballot_cast(user=voter, project=project, ideas=[ideas[1].pk])

    assert sorted(awards(voter, Action.VOTE_CAST)) == sorted(
        [(f"budgeting.budget:{budget.pk}", 1), (f"crowdprojects.project:{project.pk}", 1)]
    )


def test_an_idea_taken_up_earns_its_author_and_coauthors_not_the_declined(
    municipality, municipal_admin, author, make_user, badges_of
):
    coauthor, declined_author = make_user("coauthor"), make_user("declined")
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    taken_up, declined = (
        idea_in(project, author, "A fountain"),
        idea_in(project, declined_author, "A car park"),
    )
    merged = idea_in(project, coauthor, "A small fountain")
    IdeaAuthor.objects.create(idea=taken_up, user=coauthor, merged_from=merged, created_at=timezone.now())
    decide(municipal_admin, taken_up)
    decide(municipal_admin, declined, selected=False)
    decide(municipal_admin, merged, selected=False)

    project_selection_publish(actor=municipal_admin, project=project)

    subject = f"crowdprojects.idea:{taken_up.pk}"
    assert awards(author, Action.IDEA_SELECTED) == [(subject, 20)]
    assert awards(coauthor, Action.IDEA_SELECTED) == [(subject, 20)]
    assert not PointEntry.objects.filter(user=declined_author).exists()
    assert badges_of(author, municipality) == {"idea-taken-up"}


def test_an_accepted_amendment_earns_a_rejected_one_not_and_hiding_revokes(
    municipality, municipal_admin, resident, moderator
):
    project = drafting_project(actor=municipal_admin, municipality=municipality)
    document = published_document(actor=municipal_admin, project=project)
    accepted = amendment_propose(author=resident, section=section(document, "2"), body="Thirty metres.")
    rejected = amendment_propose(author=resident, section=section(document, "3"), body="All night.")
    amendment_decide(actor=municipal_admin, amendment=accepted, accept=True, reason="Good idea.")
    amendment_decide(actor=municipal_admin, amendment=rejected, accept=False, reason="Too costly.")

    assert awards(resident, Action.AMENDMENT_ACCEPTED) == [(f"drafting.amendment:{accepted.pk}", 10)]
    content_hide(moderator=moderator, content=accepted, reason="Advertising")
    assert points_of(resident) == 0


def test_monitoring_reports_earn_up_to_three_a_day(municipality, municipal_admin, author, resident):
    world = implementing(actor=municipal_admin, municipality=municipality, author=author)
    for verdict in ("done", "partly", "not_done", "done"):
        monitoring_report_file(
            actor=resident, idea=world.taken_up, verdict=verdict, text="Seen on my way home."
        )

    points = list(
        PointEntry.objects.filter(user=resident, action=Action.MONITORING_REPORT)
        .order_by("pk")
        .values_list("points", flat=True)
    )
    assert points == [5, 5, 5, 0]
    # Implementing took the idea up through the selection: its author earned for it.
    assert awards(author, Action.IDEA_SELECTED) == [(f"crowdprojects.idea:{world.taken_up.pk}", 20)]


def test_pledgers_of_a_campaign_that_reached_its_target_co_financed_it(
    municipality, municipal_admin, author, resident, verified_resident, badges_of
):
    project = cofinanced_project(actor=municipal_admin, municipality=municipality)
    reached = open_campaign(actor=municipal_admin, idea=taken_up_idea(project=project, author=author))
    short = open_campaign(
        actor=municipal_admin, idea=taken_up_idea(project=project, author=author, title="Benches")
    )
    pledge_make(user=resident, campaign=reached, amount=60_000)
    pledge_make(user=resident, campaign=reached, amount=30_000)
    pledge_make(user=verified_resident, campaign=reached, amount=10_000)
    pledge_make(user=verified_resident, campaign=short, amount=10)

    campaigns_settle(now=max(reached.deadline, short.deadline))

    subject = f"funding.campaign:{reached.pk}"
    assert awards(resident, Action.PROJECT_COFINANCED) == [(subject, 0)]
    assert awards(verified_resident, Action.PROJECT_COFINANCED) == [(subject, 0)]
    assert badges_of(resident, municipality) == {"co-financed"}
    assert badges_of(verified_resident, municipality) == {"co-financed"}


def _past_poll(make_poll, title, opens_at, **kwargs):
    now = timezone.now()
    return make_poll(title, opens_in=opens_at - now, lasts=timedelta(days=2), **kwargs)


def test_voting_in_every_poll_of_a_year_earns_the_badge_once_the_year_is_over(
    make_poll, voter, resident_of, central, northern, municipality, municipal_admin, badges_of
):
    zone = ZoneInfo(municipality.timezone)
    year = timezone.localtime(timezone.now(), zone).year - 1
    spring = _past_poll(make_poll, "Spring", datetime(year, 4, 1, 10, tzinfo=zone))
    autumn = _past_poll(make_poll, "Autumn", datetime(year, 10, 1, 10, tzinfo=zone))
    # A poll of one district only is not one every resident may vote in: it does not count.
    _past_poll(make_poll, "Northern only", datetime(year, 6, 1, 10, tzinfo=zone), districts=[northern])
    missed_one = resident_of("missed", central)
    for poll in (spring, autumn):
        poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1], now=poll.opens_at + timedelta(hours=1))
    poll_vote(
        user=missed_one, poll=spring, options=option_ids(spring)[:1], now=spring.opens_at + timedelta(hours=1)
    )
    # A poll published and cancelled before it opened took no vote: nobody missed it.
    cancelled = _past_poll(make_poll, "Cancelled", datetime(year, 8, 1, 10, tzinfo=zone))
    poll_close(actor=municipal_admin, poll=cancelled, now=cancelled.opens_at - timedelta(days=1))
    # This year's poll, closed early: the year is not over, it does not count yet.
    current = make_poll("This year")
    poll_close(actor=municipal_admin, poll=current)

    assert badges_of(voter, municipality) == {"every-poll"}
    assert badges_of(missed_one, municipality) == set()
    [standing] = standings_of(voter, [municipality])
    [earned] = standing.earned
    assert earned.at == datetime(year + 1, 1, 1, tzinfo=zone)
    assert {e.subject for e in earned.by} == {f"polls.poll:{spring.pk}", f"polls.poll:{autumn.pk}"}
    assert Poll.objects.count() == 5
