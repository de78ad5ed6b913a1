"""Crowd projects' ideas and supports, co-financing pledges and amendments, as the roll-ups count them."""

from collections.abc import Callable

import pytest
from django.utils import timezone

from veche.accounts.models import User
from veche.analytics.models import MonthlyFact, MonthlyParticipant
from veche.analytics.services import rollup_check, rollup_run
from veche.budgeting.models import Process
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.services.ideas import idea_create, idea_support
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.drafting.services import amendment_propose, amendment_support
from veche.drafting.tests.helpers import drafting_project, published_document, section
from veche.funding.services import pledge_make
from veche.funding.tests.helpers import cofinanced_project, open_campaign, taken_up_idea
from veche.municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def total(metric: str, key: str) -> int:
    return sum(MonthlyFact.objects.filter(metric=metric, key=key).values_list("value", flat=True))


def test_ideas_and_their_supports(
    municipality: Municipality, municipal_admin: User, resident: User, make_user: Callable[..., User]
) -> None:
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    idea = idea_create(
        author=resident, project=project, title="Benches", body="By the pond.", now=timezone.now()
    )
    idea_support(user=make_user("fan"), idea=idea, now=timezone.now())

    rollup_run()

    assert total("contributions", "idea") == 1
    assert total("votes", "idea_support") == 1
    assert MonthlyParticipant.objects.get(user=resident).actions == 1
    assert rollup_check() == []


def test_pledges(municipality: Municipality, municipal_admin: User, author: User, resident: User) -> None:
    project = cofinanced_project(actor=municipal_admin, municipality=municipality)
    campaign = open_campaign(actor=municipal_admin, idea=taken_up_idea(project=project, author=author))
    pledge_make(user=resident, campaign=campaign, amount=12_345)

    rollup_run()

    assert total("votes", "pledge") == 1
    assert total("contributions", "idea") == 1
    assert MonthlyParticipant.objects.get(user=resident).actions == 1
    assert rollup_check() == []


def test_amendments_and_their_supports(
    municipality: Municipality, municipal_admin: User, resident: User, make_user: Callable[..., User]
) -> None:
    document = published_document(
        actor=municipal_admin, project=drafting_project(actor=municipal_admin, municipality=municipality)
    )
    amendment = amendment_propose(author=resident, section=section(document, "2"), body="Thirty metres.")
    amendment_support(user=make_user("neighbour"), amendment=amendment)

    rollup_run()

    assert total("contributions", "amendment") == 1
    assert total("votes", "amendment_support") == 1
    assert rollup_check() == []


def test_budget_proposals_and_ballots(
    municipality: Municipality, make_process: Callable[..., Process], voter: User
) -> None:
    process = make_process()
    budget = city_budget(process)
    proposals = options(budget)
    ballot_cast(user=voter, budget=budget, choices=approve(proposals[0]))

    rollup_run()

    assert total("contributions", "proposal") == len(proposals)
    assert total("votes", "budget") == 1
    assert MonthlyParticipant.objects.get(user=voter).actions == 1
    assert rollup_check() == []
