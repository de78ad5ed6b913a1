"""All or nothing: campaigns settled at their deadline, once each; the tick and the command."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from veche.funding import tasks
from veche.funding.models import CampaignStatus, Pledge, PledgeStatus
from veche.funding.services import campaigns_settle, pledge_cancel, pledge_make
from veche.funding.tests.helpers import open_campaign, past_deadline, taken_up_idea
from veche.notifications.models import Notification
from veche.notifications.services import follow

pytestmark = pytest.mark.django_db


def test_a_campaign_that_reached_its_target_succeeds_and_its_pledges_stay_to_be_paid(
    campaign, resident, verified_resident, make_user
):
    follower = make_user("follower")
    follow(user=follower, target=campaign.project)
    pledge_make(user=resident, campaign=campaign, amount=60_000)
    pledge_make(user=verified_resident, campaign=campaign, amount=40_000)
    assert campaigns_settle(now=campaign.deadline - timedelta(seconds=1)) == {"succeeded": 0, "failed": 0}
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN  # reaching the target does not close it early

    assert campaigns_settle(now=campaign.deadline) == {"succeeded": 1, "failed": 0}

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SUCCEEDED and campaign.closed_at == campaign.deadline
    assert set(Pledge.objects.values_list("status", flat=True)) == {PledgeStatus.PLEDGED}
    told = set(
        Notification.objects.filter(kind="campaign.succeeded").values_list("recipient__username", flat=True)
    )
    assert told == {resident.username, verified_resident.username, follower.username}


def test_a_campaign_short_of_its_target_fails_and_releases_every_pledge(campaign, resident):
    pledge_make(user=resident, campaign=campaign, amount=99_999)
    withdrawn = pledge_make(user=resident, campaign=campaign, amount=1)
    pledge_cancel(user=resident, pledge=withdrawn)

    assert campaigns_settle(now=campaign.deadline + timedelta(hours=1)) == {"succeeded": 0, "failed": 1}

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED and campaign.pledged_total == 99_999
    statuses = dict(Pledge.objects.values_list("amount", "status"))
    assert statuses == {99_999: PledgeStatus.RELEASED, 1: PledgeStatus.CANCELLED}
    assert Notification.objects.filter(recipient=resident, kind="campaign.failed").count() == 1


def test_each_campaign_is_settled_exactly_once(campaign, resident, municipal_admin, author, project):
    other = open_campaign(
        actor=municipal_admin, idea=taken_up_idea(project=project, author=author, title="Benches")
    )
    pledge_make(user=resident, campaign=campaign, amount=100_000)
    past_deadline(campaign)
    past_deadline(other)

    assert campaigns_settle() == {"succeeded": 1, "failed": 1}
    assert campaigns_settle() == {"succeeded": 0, "failed": 0}
    assert tasks.campaigns_settle() == {"succeeded": 0, "failed": 0}
    assert Notification.objects.filter(recipient=resident).count() == 1


def test_the_tick_and_the_command_settle_due_campaigns(campaign, capsys):
    past_deadline(campaign)
    call_command("funding", "settle")
    assert "settled 0 succeeded and 1 failed" in capsys.readouterr().out
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FAILED
