"""Pledges sent at the same moment, each in its own thread and database connection: the total never
passes the target, and the accepted pledges sum exactly to it; pledges racing the settle."""

from collections.abc import Callable
from datetime import timedelta
from functools import partial

import pytest

from veche.accounts.models import User
from veche.core.errors import Conflict
from veche.core.testing import race, unexpected
from veche.crowdprojects.models import Project
from veche.funding.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from veche.funding.services import campaigns_settle, pledge_make
from veche.funding.tests.helpers import cofinanced_project, open_campaign, taken_up_idea
from veche.municipalities.models import Municipality

THREADS = 8


@pytest.fixture
def setting(
    transactional_db: None, municipality: Municipality, municipal_admin: User, make_user: Callable[..., User]
) -> tuple[Project, Campaign, list[User]]:
    project = cofinanced_project(actor=municipal_admin, municipality=municipality)
    pledgers = [make_user(f"pledger{i}") for i in range(THREADS)]
    campaign = open_campaign(
        actor=municipal_admin, idea=taken_up_idea(project=project, author=pledgers[0]), target=10_000
    )
    return project, campaign, pledgers


def test_eight_pledges_over_the_target_at_once_never_pass_it(setting):
    _project, campaign, pledgers = setting
    amounts = [3_000, 2_500, 2_000, 1_500, 1_200, 1_000, 800, 700]  # 12 700 in all, target 10 000

    results, errors = race(
        [
            partial(pledge_make, user=p, campaign=campaign, amount=a)
            for p, a in zip(pledgers, amounts, strict=True)
        ]
    )

    assert not unexpected(errors, (Conflict,)), unexpected(errors, (Conflict,))
    assert all(e.code in {"over_remaining", "fully_pledged"} for e in errors)  # type: ignore[attr-defined]
    campaign.refresh_from_db()
    accepted = sum(p.amount for p in Pledge.objects.filter(campaign=campaign))
    assert campaign.pledged_total == accepted == sum(r.amount for r in results) <= campaign.target_amount
    assert len(results) + len(errors) == THREADS and errors


def test_pledges_filling_the_target_exactly_all_pass(setting):
    _project, campaign, pledgers = setting
    results, errors = race([partial(pledge_make, user=p, campaign=campaign, amount=1_250) for p in pledgers])
    assert errors == [] and len(results) == THREADS
    campaign.refresh_from_db()
    assert campaign.pledged_total == 10_000 == campaign.target_amount


def test_pledges_racing_the_settle_at_the_deadline_are_counted_or_refused(setting):
    _project, campaign, pledgers = setting
    at = campaign.deadline
    # Each pledge is in time by its own clock (a second before the deadline); the settles run at it.
    in_time = at - timedelta(seconds=1)
    pledges = [
        partial(pledge_make, user=p, campaign=campaign, amount=1_000, now=in_time) for p in pledgers[:6]
    ]
    settles = [partial(campaigns_settle, now=at) for _ in range(2)]

    results, errors = race(pledges + settles)

    assert not unexpected(errors, (Conflict,)), unexpected(errors, (Conflict,))
    assert all(e.code == "campaign_closed" for e in errors)  # type: ignore[attr-defined]
    campaign.refresh_from_db()
    outcomes = [r for r in results if isinstance(r, dict)]
    assert sum(sum(o.values()) for o in outcomes) == 1  # settled exactly once
    counted = Pledge.objects.filter(campaign=campaign)
    assert campaign.pledged_total == sum(p.amount for p in counted) == 1_000 * counted.count()
    assert campaign.status == CampaignStatus.FAILED  # 6 000 at most of 10 000
    assert set(counted.values_list("status", flat=True)) <= {PledgeStatus.RELEASED}
