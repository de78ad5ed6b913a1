"""Payment: the provider chosen by the setting, and the treasury confirming pledges by hand."""

import pytest
from django.utils import translation

from veche.core.errors import Conflict, DomainError, NotFound
from veche.core.models import AuditEntry
from veche.funding.models import Pledge, PledgeStatus
from veche.funding.providers import ManualTreasury, payment_provider
from veche.funding.services import campaigns_settle, pledge_confirm, pledge_make
from veche.funding.tests.helpers import past_deadline
from veche.notifications.models import Notification

pytestmark = pytest.mark.django_db


class Instant:
    """A provider of a test: it says how to pay, and lets anyone confirm."""

    name = "instant"

    def instructions(self, pledge: Pledge) -> str:
        return f"pay {pledge.amount} now"

    def confirm(self, pledge: Pledge, actor: object, reference: str) -> str:
        return reference.upper()


@pytest.fixture
def succeeded_pledge(campaign, resident):
    pledge = pledge_make(user=resident, campaign=campaign, amount=100_000)
    past_deadline(campaign)
    campaigns_settle()
    return pledge


def test_the_treasury_is_the_default_provider_and_says_how_to_pay(campaign, resident):
    provider = payment_provider()
    assert isinstance(provider, ManualTreasury) and provider.name == "treasury"
    pledge = pledge_make(user=resident, campaign=campaign, amount=1_234)
    assert f"«взнос {pledge.pk}»" in provider.instructions(
        pledge
    ) and "1\u00a0234\u00a0₽" in provider.instructions(pledge)
    with translation.override("en"):
        assert f"“pledge {pledge.pk}”" in provider.instructions(
            pledge
        ) and "1,234\u00a0₽" in provider.instructions(pledge)


def test_the_treasury_marks_a_pledge_of_a_succeeded_campaign_paid(
    succeeded_pledge, municipal_admin, official, resident
):
    for outsider in (official, resident):
        with pytest.raises(NotFound):
            pledge_confirm(actor=outsider, pledge=succeeded_pledge, reference="№ 17")
    with pytest.raises(DomainError) as empty:
        pledge_confirm(actor=municipal_admin, pledge=succeeded_pledge, reference="  ")
    assert "reference" in empty.value.fields

    paid = pledge_confirm(actor=municipal_admin, pledge=succeeded_pledge, reference=" № 17 ")

    assert paid.status == PledgeStatus.CONFIRMED and paid.provider_reference == "№ 17"
    assert paid.confirmed_by == municipal_admin and paid.confirmed_at is not None
    assert AuditEntry.objects.filter(action="pledge.confirm", target_id=str(paid.pk)).exists()
    assert Notification.objects.filter(recipient=resident, kind="pledge.confirmed").exists()
    with pytest.raises(Conflict):
        pledge_confirm(actor=municipal_admin, pledge=succeeded_pledge, reference="again")


def test_only_pledges_of_a_succeeded_campaign_are_confirmed(campaign, resident, municipal_admin):
    pledge = pledge_make(user=resident, campaign=campaign, amount=10)
    with pytest.raises(Conflict) as open_one:
        pledge_confirm(actor=municipal_admin, pledge=pledge, reference="1")
    assert open_one.value.code == "not_succeeded"
    past_deadline(campaign)
    campaigns_settle()  # failed: released
    with pytest.raises(Conflict):
        pledge_confirm(actor=municipal_admin, pledge=pledge, reference="1")
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.RELEASED


def test_the_setting_chooses_the_provider_and_a_pledge_keeps_its_own(
    settings, campaign, resident, municipal_admin
):
    treasury_pledge = pledge_make(user=resident, campaign=campaign, amount=50_000)
    settings.VECHE_PAYMENT_PROVIDER = "veche.funding.tests.test_provider.Instant"
    pledge = pledge_make(user=resident, campaign=campaign, amount=50_000)
    assert pledge.provider == "instant" and payment_provider().instructions(pledge) == "pay 50000 now"
    past_deadline(campaign)
    campaigns_settle()
    assert pledge_confirm(actor=resident, pledge=pledge, reference="abc").provider_reference == "ABC"
    with pytest.raises(Conflict) as other:
        pledge_confirm(actor=municipal_admin, pledge=treasury_pledge, reference="1")
    assert other.value.code == "other_provider"


class Recording(Instant):
    """The test's provider, remembering every pledge it was asked to confirm."""

    calls: list[int] = []

    def confirm(self, pledge: Pledge, actor: object, reference: str) -> str:
        Recording.calls.append(pledge.pk)
        return super().confirm(pledge, actor, reference)


def test_the_provider_is_asked_to_confirm_only_a_pledge_that_may_be_paid(
    settings, campaign, resident, municipal_admin
):
    settings.VECHE_PAYMENT_PROVIDER = "veche.funding.tests.test_provider.Recording"
    Recording.calls = []
    early = pledge_make(user=resident, campaign=campaign, amount=10)
    with pytest.raises(Conflict) as not_yet:
        pledge_confirm(actor=resident, pledge=early, reference="a")
    assert not_yet.value.code == "not_succeeded" and Recording.calls == []
    settings.VECHE_PAYMENT_PROVIDER = "veche.funding.providers.ManualTreasury"
    treasury_pledge = pledge_make(user=resident, campaign=campaign, amount=40_000)
    settings.VECHE_PAYMENT_PROVIDER = "veche.funding.tests.test_provider.Recording"
    payable = pledge_make(user=resident, campaign=campaign, amount=59_990)
    past_deadline(campaign)
    campaigns_settle()
    with pytest.raises(Conflict) as other:
        pledge_confirm(actor=resident, pledge=treasury_pledge, reference="b")
    assert other.value.code == "other_provider" and Recording.calls == []

    assert pledge_confirm(actor=resident, pledge=payable, reference="c").provider_reference == "C"
    assert Recording.calls == [payable.pk]
    with pytest.raises(Conflict) as again:
        pledge_confirm(actor=resident, pledge=payable, reference="d")
    assert again.value.code == "not_pledged" and Recording.calls == [payable.pk]
