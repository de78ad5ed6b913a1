"""Opening campaigns, pledging and withdrawing: the rules, and nothing changed when refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.models import AuditEntry
from veche.crowdprojects.models import IdeaStatus, Stage, StageKind
from veche.crowdprojects.tests.helpers import project_in_stage, stage_of
from veche.funding.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from veche.funding.services import (
    Organisation,
    campaign_cancel,
    campaign_open,
    inn_valid,
    pledge_cancel,
    pledge_make,
)
from veche.funding.tests.helpers import cofinanced_project, open_campaign, taken_up_idea
from veche.notifications.models import Notification
from veche.notifications.services import follow

pytestmark = pytest.mark.django_db


def _total(campaign: Campaign) -> int:
    campaign.refresh_from_db()
    return campaign.pledged_total


def test_inn_checksums():
    assert inn_valid("7707083893")  # a company: 10 digits
    assert inn_valid("500100732259")  # a sole trader: 12 digits
    for wrong in ("7707083894", "500100732258", "770708389", "77070838931", "", "77070838９3", "abcdefghij"):
        assert not inn_valid(wrong), wrong


# Opening.


def test_those_who_run_the_project_open_a_campaign_for_a_taken_up_idea(
    idea, municipal_admin, official, resident, make_user
):
    follower = make_user("follower")
    follow(user=follower, target=idea.project)
    deadline = timezone.now() + timedelta(days=10)
    for outsider in (resident, official):  # the official's department does not organise this project
        with pytest.raises(NotFound):
            campaign_open(actor=outsider, idea=idea, target_amount=50_000, deadline=deadline)
    assert not Campaign.objects.exists()

    campaign = campaign_open(actor=municipal_admin, idea=idea, target_amount=50_000, deadline=deadline)

    assert campaign.status == CampaignStatus.OPEN and campaign.pledged_total == 0
    assert campaign.target_amount == 50_000 and campaign.deadline == deadline
    assert AuditEntry.objects.filter(action="campaign.open", target_id=str(campaign.pk)).exists()
    assert Notification.objects.filter(recipient=follower, kind="campaign.opened").exists()
    with pytest.raises(Conflict) as again:
        campaign_open(actor=municipal_admin, idea=idea, target_amount=10, deadline=deadline)
    assert again.value.code == "already_open"
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize(
    ("target", "field"),
    [
        (0, "target_amount"),
        (-5, "target_amount"),
        (10**12, "target_amount"),
        ("100", "target_amount"),
        (1.5, "target_amount"),
        (True, "target_amount"),
    ],
)
def test_a_target_is_a_sane_whole_number_of_roubles(idea, municipal_admin, target, field):
    with pytest.raises(DomainError) as refused:
        campaign_open(
            actor=municipal_admin,
            idea=idea,
            target_amount=target,
            deadline=timezone.now() + timedelta(days=3),
        )
    assert field in refused.value.fields
    assert not Campaign.objects.exists()


def test_the_deadline_falls_in_the_future_within_the_cofinancing_stage(idea, municipal_admin):
    stage = stage_of(idea.project, StageKind.COFINANCING)
    for deadline in (
        timezone.now() - timedelta(hours=1),
        stage.ends_at + timedelta(minutes=1),
        timezone.now().replace(tzinfo=None) + timedelta(days=1),
    ):
        with pytest.raises(DomainError) as refused:
            campaign_open(actor=municipal_admin, idea=idea, target_amount=1000, deadline=deadline)
        assert "deadline" in refused.value.fields
    assert campaign_open(actor=municipal_admin, idea=idea, target_amount=1000, deadline=stage.ends_at)


def test_only_a_taken_up_idea_of_a_project_with_a_cofinancing_stage_is_funded(
    idea, municipal_admin, municipality, author
):
    idea.status, idea.answered_at = IdeaStatus.NOT_SELECTED, timezone.now()
    idea.save()
    with pytest.raises(Conflict) as refused:
        open_campaign(actor=municipal_admin, idea=idea)
    assert refused.value.code == "not_taken_up"
    plain = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    with pytest.raises(Conflict) as no_stage:
        open_campaign(actor=municipal_admin, idea=taken_up_idea(project=plain, author=author))
    assert no_stage.value.code == "no_cofinancing"
    assert not Campaign.objects.exists()


def test_after_a_failed_or_cancelled_campaign_another_may_open(campaign, municipal_admin, idea):
    campaign_cancel(actor=municipal_admin, campaign=campaign)
    assert open_campaign(actor=municipal_admin, idea=idea).status == CampaignStatus.OPEN


# Pledging.


def test_a_pledge_adds_to_the_total_and_one_person_may_pledge_again(campaign, resident):
    first = pledge_make(user=resident, campaign=campaign, amount=1_500)
    second = pledge_make(
        user=resident,
        campaign=campaign,
        amount=2_000,
        organisation=Organisation(name="  ООО «Ромашка» ", inn="7707083893"),
    )
    assert first.status == second.status == PledgeStatus.PLEDGED
    assert (second.organisation_name, second.organisation_inn) == ("ООО «Ромашка»", "7707083893")
    assert first.provider == "treasury"
    assert _total(campaign) == 3_500


@pytest.mark.parametrize("amount", [0, -100, 1.5, "100", None, True, 10**12])
def test_an_amount_is_a_positive_whole_number(campaign, resident, amount):
    with pytest.raises(DomainError) as refused:
        pledge_make(user=resident, campaign=campaign, amount=amount)
    assert "amount" in refused.value.fields
    assert _total(campaign) == 0 and not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("name", "inn", "field"),
    [
        ("ООО «Ромашка»", "7707083894", "organisation_inn"),
        ("ООО «Ромашка»", "", "organisation_inn"),
        ("", "7707083893", "organisation_name"),
        ("x" * 201, "7707083893", "organisation_name"),
        ("A\nB", "7707083893", "organisation_name"),
    ],
)
def test_an_organisation_has_a_name_and_a_valid_inn(campaign, resident, name, inn, field):
    with pytest.raises(DomainError) as refused:
        pledge_make(
            user=resident, campaign=campaign, amount=10, organisation=Organisation(name=name, inn=inn)
        )
    assert field in refused.value.fields
    assert not Pledge.objects.exists()


def test_no_overshoot_the_refusal_says_how_much_remains(campaign, resident, verified_resident):
    pledge_make(user=resident, campaign=campaign, amount=99_000)
    with pytest.raises(Conflict) as refused:
        pledge_make(user=verified_resident, campaign=campaign, amount=1_001)
    assert refused.value.code == "over_remaining" and refused.value.status == 409
    assert "1\u00a0000" in refused.value.message and "amount" in refused.value.fields
    assert _total(campaign) == 99_000
    pledge_make(user=verified_resident, campaign=campaign, amount=1_000)
    assert _total(campaign) == 100_000
    with pytest.raises(Conflict) as full:
        pledge_make(user=verified_resident, campaign=campaign, amount=1)
    assert full.value.code == "fully_pledged"


@pytest.mark.language("en")
def test_the_remaining_amount_is_written_in_english_too(campaign, resident):
    pledge_make(user=resident, campaign=campaign, amount=90_000)
    with pytest.raises(Conflict) as refused:
        pledge_make(user=resident, campaign=campaign, amount=20_000)
    assert refused.value.message == "Only 10,000\u00a0₽ remain to be pledged."


def test_no_pledge_after_the_deadline(campaign, resident):
    with pytest.raises(Conflict) as refused:
        pledge_make(user=resident, campaign=campaign, amount=100, now=campaign.deadline)
    assert refused.value.code == "campaign_closed" and refused.value.status == 409
    assert pledge_make(
        user=resident, campaign=campaign, amount=100, now=campaign.deadline - timedelta(seconds=1)
    )


def test_pledges_only_while_the_cofinancing_stage_runs(campaign, resident):
    stage = stage_of(campaign.project, StageKind.COFINANCING)
    Stage.objects.filter(pk=stage.pk).update(starts_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(Conflict) as refused:
        pledge_make(user=resident, campaign=campaign, amount=100)
    assert refused.value.code == "stage_closed"
    assert not Pledge.objects.exists()


def test_the_projects_tier_and_districts_decide_who_pledges(
    municipality, municipal_admin, author, resident, resident_of, central, northern
):
    project = cofinanced_project(
        actor=municipal_admin, municipality=municipality, tier=2, districts=[central]
    )
    campaign = open_campaign(actor=municipal_admin, idea=taken_up_idea(project=project, author=author))
    with pytest.raises(Forbidden):
        pledge_make(user=resident, campaign=campaign, amount=100)
    with pytest.raises(Forbidden):
        pledge_make(user=resident_of("northerner", northern), campaign=campaign, amount=100)
    assert not Pledge.objects.exists()
    assert pledge_make(user=resident_of("central", central), campaign=campaign, amount=100)


def test_a_person_withdraws_their_own_pledge_while_the_campaign_runs(campaign, resident, verified_resident):
    pledge = pledge_make(user=resident, campaign=campaign, amount=100_000)
    with pytest.raises(NotFound):
        pledge_cancel(user=verified_resident, pledge=pledge)
    withdrawn = pledge_cancel(user=resident, pledge=pledge)
    assert withdrawn.status == PledgeStatus.CANCELLED and withdrawn.ended_at is not None
    assert _total(campaign) == 0
    with pytest.raises(Conflict):
        pledge_cancel(user=resident, pledge=pledge)
    assert pledge_make(user=verified_resident, campaign=campaign, amount=100_000)


def test_cancelling_a_campaign_releases_every_pledge(campaign, municipal_admin, official, resident):
    pledge = pledge_make(user=resident, campaign=campaign, amount=700)
    with pytest.raises(NotFound):
        campaign_cancel(actor=official, campaign=campaign)
    cancelled = campaign_cancel(actor=municipal_admin, campaign=campaign)
    assert cancelled.status == CampaignStatus.CANCELLED and cancelled.closed_at is not None
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.RELEASED
    assert Notification.objects.filter(recipient=resident, kind="campaign.cancelled").exists()
    with pytest.raises(Conflict):
        pledge_make(user=resident, campaign=campaign, amount=1)
