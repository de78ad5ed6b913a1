"""Every write to co-financing: open a campaign for a taken-up idea, pledge, withdraw a pledge, settle
campaigns at their deadline (all or nothing), cancel one, and confirm a payment.

A campaign takes pledges until its deadline, and only while its project's co-financing stage runs
(the stage's feature PLEDGE, with the project's tier and districts). Reaching the target does not
close it: it simply takes no more than what remains, and a withdrawn pledge makes room again; it is
settled at its deadline by `campaigns_settle` (the hourly tick), which claims each due campaign with
one conditional UPDATE, so each is settled exactly once: target reached, succeeded (the pledges are
then paid and confirmed through the payment provider); otherwise failed, and every pledge released.
Pledges queue on the campaign's row, so the total is exact and never passes the target.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.access.predicates import Decision, Feature, admits_district, allows
from veche.access.roles import Person, verified_district
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.moments import check_moment
from veche.core.text import check_text
from veche.crowdprojects.access import require_run
from veche.crowdprojects.models import Idea, IdeaStatus, Project, StageKind
from veche.crowdprojects.selectors import current_phase, stages_of
from veche.funding.access import campaigns
from veche.funding.models import (
    ORGANISATION_NAME_MAX_LENGTH,
    TARGET_MAX,
    Campaign,
    CampaignStatus,
    Pledge,
    PledgeStatus,
)
from veche.funding.providers import payment_provider
from veche.funding.selectors import roubles
from veche.notifications.messages import message
from veche.notifications.services import notify
from veche.recognition.models import Action as Recognised
from veche.recognition.services import points_award

# Checking what people type.


@dataclass(frozen=True)
class Organisation:
    """The organisation a pledge is made for: its name and its INN (taxpayer number)."""

    name: str
    inn: str


_INN_WEIGHTS_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_WEIGHTS_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_WEIGHTS_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_valid(inn: str) -> bool:
    """Whether `inn` is a Russian taxpayer number: 10 digits (a company) or 12 (a sole trader), with
    the check digits of the Federal Tax Service's algorithm."""
    if not inn.isascii() or not inn.isdigit():
        return False
    if len(inn) == 10:
        return _check_digit(inn, _INN_WEIGHTS_10) == int(inn[9])
    if len(inn) == 12:
        return _check_digit(inn, _INN_WEIGHTS_11) == int(inn[10]) and _check_digit(
            inn, _INN_WEIGHTS_12
        ) == int(inn[11])
    return False


def check_organisation(organisation: Organisation | None) -> Organisation | None:
    """The organisation cleaned, or a DomainError on "organisation_name" / "organisation_inn"."""
    if organisation is None or (not organisation.name.strip() and not organisation.inn.strip()):
        return None
    fields: dict[str, list[str]] = {}
    name = ""
    try:
        name = check_text(
            organisation.name, "organisation_name", limit=ORGANISATION_NAME_MAX_LENGTH, one_line=True
        )
    except DomainError as error:
        fields.update(error.fields)
    inn = organisation.inn.strip()
    if not inn_valid(inn):
        fields["organisation_inn"] = [
            _("Give the organisation's INN: 10 digits (12 for a sole trader), as in its documents.")
        ]
    if fields:
        raise DomainError(fields=fields)
    return Organisation(name=name, inn=inn)


def check_amount(amount: Any, field: str = "amount") -> int:
    """A whole number of roubles from 1 to TARGET_MAX, or a DomainError on `field`."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise DomainError(fields={field: [_("Give a whole number of roubles.")]})
    if amount <= 0:
        raise DomainError(fields={field: [_("Give an amount of at least 1 rouble.")]})
    if amount > TARGET_MAX:
        raise DomainError(
            fields={field: [_("Give an amount of at most %(max)s.") % {"max": roubles(TARGET_MAX)}]}
        )
    return amount


def _locked(campaign: Campaign) -> Campaign:
    """The campaign's row, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return campaigns().select_for_update(of=("self",)).get(pk=campaign.pk)


# Opening and cancelling a campaign (those who run the idea's project).


def campaign_open(
    *,
    actor: User,
    idea: Idea,
    target_amount: Any,
    deadline: datetime,
    now: datetime | None = None,
) -> Campaign:
    """Ask residents and organisations to co-finance a taken-up idea: `target_amount` roubles by
    `deadline`, which falls within a co-financing stage of the idea's project (pledges are taken only
    while that stage runs). One open campaign per idea."""
    project = idea.project
    require_run(actor, project)
    now = now or timezone.now()
    target = check_amount(target_amount, "target_amount")
    check_moment(deadline, field="deadline", now=now)
    if deadline <= now:
        raise DomainError(fields={"deadline": [_("The deadline must be in the future.")]})
    stages = [stage for stage in stages_of(project) if stage.kind == StageKind.COFINANCING]
    if not stages:
        raise Conflict(
            _("This project has no co-financing stage: add one to its timeline first."), code="no_cofinancing"
        )
    if not any(stage.starts_at < deadline <= stage.ends_at for stage in stages):
        raise DomainError(
            fields={"deadline": [_("Choose a deadline within the project's co-financing stage.")]}
        )
    with transaction.atomic():
        # Openers of the same idea queue on its row, so the check below sees the one opened before.
        idea = Idea.objects.select_for_update(of=("self",)).select_related("project").get(pk=idea.pk)
        if idea.status != IdeaStatus.SELECTED:
            raise Conflict(_("Only a taken-up idea can be co-financed."), code="not_taken_up")
        if Campaign.objects.filter(idea=idea, status=CampaignStatus.OPEN).exists():
            raise Conflict(_("This idea already has an open campaign."), code="already_open")
        try:
            with transaction.atomic():
                campaign = Campaign.objects.create(
                    municipality_id=project.municipality_id,
                    idea=idea,
                    target_amount=target,
                    deadline=deadline,
                    created_by=actor,
                    created_at=now,
                )
        except IntegrityError:
            raise Conflict(_("This idea already has an open campaign."), code="already_open") from None
        audit_record(
            actor=actor,
            action="campaign.open",
            municipality=project.municipality,
            target=campaign,
            details={"idea": idea.pk, "target": target, "deadline": deadline.isoformat()},
        )
        campaign = campaigns().get(pk=campaign.pk)
        notify(
            recipients=_followers(project).exclude(pk=actor.pk),
            kind="campaign.opened",
            title=message(gettext_noop("Co-financing opened: “{}”"), idea.title),
            body=message(gettext_noop("Pledge towards it until {}."), deadline),
            url=campaign.get_absolute_url(),
        )
    return campaign


def campaign_cancel(*, actor: User, campaign: Campaign, now: datetime | None = None) -> Campaign:
    """Stop an open campaign before its deadline (the idea is dropped, or funded otherwise): every
    pledge is released and the pledgers told."""
    require_run(actor, campaign.project)
    now = now or timezone.now()
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status != CampaignStatus.OPEN:
            raise Conflict(_("This campaign is already closed."), code="campaign_closed")
        campaign.status, campaign.closed_at = CampaignStatus.CANCELLED, now
        campaign.save(update_fields=["status", "closed_at"])
        released = Pledge.objects.filter(campaign=campaign, status=PledgeStatus.PLEDGED).update(
            status=PledgeStatus.RELEASED, ended_at=now
        )
        audit_record(
            actor=actor,
            action="campaign.cancel",
            municipality=campaign.municipality,
            target=campaign,
            details={"pledged_total": campaign.pledged_total, "released": released},
        )
        _tell_closed(campaign)
    return campaign


# Pledging.


def _followers(project: Project) -> Any:
    return User.objects.filter(
        follows__content_type=ContentType.objects.get_for_model(Project), follows__object_id=project.pk
    )


def pledge_decision(user: Person, campaign: Campaign, now: datetime) -> Decision:
    """Whether who `user` is and where the project stands let them pledge now: the running stage's
    PLEDGE with the project's tier, then its districts. The campaign's own state is checked apart."""
    project = campaign.project
    phase = current_phase(project, now)
    decision = allows(user, project.municipality, Feature.PLEDGE, phase)
    if not decision:
        return decision
    scope = set(project.districts.values_list("pk", flat=True))
    if not admits_district(scope, verified_district(user=user, municipality=project.municipality)):
        return Decision(False, _("Only residents verified in the project's districts can pledge."))
    return decision


def _not_taking(campaign: Campaign, now: datetime) -> Conflict | None:
    if campaign.status != CampaignStatus.OPEN or campaign.deadline <= now:
        return Conflict(
            _("The campaign's deadline has passed; it takes no more pledges."), code="campaign_closed"
        )
    if campaign.remaining == 0:
        return Conflict(_("The target is fully pledged; no more is needed."), code="fully_pledged")
    return None


def pledge_make(
    *,
    user: User,
    campaign: Campaign,
    amount: Any,
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> Pledge:
    """Promise `amount` roubles towards `campaign`, for oneself or for `organisation`; at most what
    remains of the target. The pledge is paid only if the campaign reaches its target."""
    now = now or timezone.now()
    amount = check_amount(amount)
    organisation = check_organisation(organisation)
    provider = payment_provider()
    with transaction.atomic():
        # Pledgers queue on the campaign's row: the remaining amount read here is the one written,
        # and a settle cannot slip between the check and the pledge.
        campaign = _locked(campaign)
        refusal = _not_taking(campaign, now)
        if refusal is not None:
            raise refusal
        decision = pledge_decision(user, campaign, now)
        if not decision:
            if decision.closed:
                raise Conflict(decision.reason, code="stage_closed")
            raise Forbidden(decision.reason)
        if amount > campaign.remaining:
            raise Conflict(
                _("Only %(left)s remain to be pledged.") % {"left": roubles(campaign.remaining)},
                code="over_remaining",
                fields={
                    "amount": [
                        _("At most %(left)s: that is what remains of the target.")
                        % {"left": roubles(campaign.remaining)}
                    ]
                },
            )
        pledge = Pledge.objects.create(
            campaign=campaign,
            user=user,
            organisation_name=organisation.name if organisation else "",
            organisation_inn=organisation.inn if organisation else "",
            amount=amount,
            provider=provider.name,
            created_at=now,
        )
        Campaign.objects.filter(pk=campaign.pk).update(pledged_total=F("pledged_total") + amount)
    pledge.campaign = campaign
    return pledge


def pledge_cancel(*, user: User, pledge: Pledge, now: datetime | None = None) -> Pledge:
    """Withdraw one's own pledge while the campaign still takes pledges; its amount is free again."""
    if pledge.user_id != user.pk:
        raise NotFound()
    now = now or timezone.now()
    with transaction.atomic():
        campaign = _locked(pledge.campaign)
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if campaign.status != CampaignStatus.OPEN or campaign.deadline <= now:
            raise Conflict(
                _("The campaign is closed; its pledges stand as they are."), code="campaign_closed"
            )
        if pledge.status != PledgeStatus.PLEDGED:
            raise Conflict(_("This pledge is already withdrawn."), code="not_pledged")
        pledge.status, pledge.ended_at = PledgeStatus.CANCELLED, now
        pledge.save(update_fields=["status", "ended_at"])
        Campaign.objects.filter(pk=campaign.pk).update(pledged_total=F("pledged_total") - pledge.amount)
    pledge.campaign = campaign
    return pledge


# Settling at the deadline: all or nothing.


def _tell_closed(campaign: Campaign) -> None:
    """Tell the pledgers and the project's followers how the campaign ended."""
    pledgers = Q(pledges__campaign=campaign)
    project = campaign.project
    followers = Q(
        follows__content_type=ContentType.objects.get_for_model(Project), follows__object_id=project.pk
    )
    title = {
        CampaignStatus.SUCCEEDED: gettext_noop("Co-financing reached its target: “{}”"),
        CampaignStatus.FAILED: gettext_noop("Co-financing did not reach its target: “{}”"),
        CampaignStatus.CANCELLED: gettext_noop("Co-financing was cancelled: “{}”"),
    }[CampaignStatus(campaign.status)]
    body = {
        CampaignStatus.SUCCEEDED: gettext_noop("Pledged: {} roubles. Pledgers now pay what they promised."),
        CampaignStatus.FAILED: gettext_noop(
            "Pledged: {} roubles. Every pledge is released: nothing is owed."
        ),
        CampaignStatus.CANCELLED: gettext_noop(
            "Pledged: {} roubles. Every pledge is released: nothing is owed."
        ),
    }[CampaignStatus(campaign.status)]
    notify(
        recipients=User.objects.filter(pledgers | followers).distinct(),
        kind=f"campaign.{campaign.status}",
        title=message(title, campaign.title),
        body=message(body, campaign.pledged_total),
        url=campaign.get_absolute_url(),
    )


def _recognise_pledgers(campaign: Campaign, now: datetime) -> None:
    """Each person who pledged to a campaign that reached its target co-financed its project: recorded,
    without points, for the badge (`recognition`)."""
    pledgers = User.objects.filter(
        pk__in=Pledge.objects.filter(campaign=campaign, status=PledgeStatus.PLEDGED).values("user_id")
    )
    for user in pledgers.order_by("pk"):
        points_award(
            user=user,
            municipality=campaign.municipality,
            action=Recognised.PROJECT_COFINANCED,
            subject=campaign,
            now=now,
        )


def _settle(campaign_id: int, now: datetime) -> str | None:
    """Settle one campaign whose deadline has passed, unless another tick did; inside a transaction.
    The claim decides the outcome in the same UPDATE, from the total as it stands under the lock."""
    outcome = Case(
        When(pledged_total__gte=F("target_amount"), then=Value(CampaignStatus.SUCCEEDED.value)),
        default=Value(CampaignStatus.FAILED.value),
        output_field=CharField(),
    )
    claimed = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.OPEN, deadline__lte=now).update(
        status=outcome, closed_at=now
    )
    if not claimed:
        return None
    campaign = campaigns().get(pk=campaign_id)
    released = 0
    if campaign.status == CampaignStatus.FAILED:
        released = Pledge.objects.filter(campaign=campaign, status=PledgeStatus.PLEDGED).update(
            status=PledgeStatus.RELEASED, ended_at=now
        )
    else:
        _recognise_pledgers(campaign, now)
    audit_record(
        actor=None,
        action="campaign.settle",
        municipality=campaign.municipality,
        target=campaign,
        details={"status": campaign.status, "pledged_total": campaign.pledged_total, "released": released},
    )
    _tell_closed(campaign)
    return str(campaign.status)


def campaigns_settle(*, now: datetime | None = None) -> dict[str, int]:
    """The tick: settle every open campaign whose deadline has passed, each exactly once even when
    ticks run at the same time."""
    now = now or timezone.now()
    settled = {CampaignStatus.SUCCEEDED.value: 0, CampaignStatus.FAILED.value: 0}
    due = Campaign.objects.filter(status=CampaignStatus.OPEN, deadline__lte=now).order_by("pk")
    for campaign_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            status = _settle(campaign_id, now)
        if status is not None:
            settled[status] += 1
    return settled


# Payment.


def pledge_confirm(*, actor: User, pledge: Pledge, reference: str, now: datetime | None = None) -> Pledge:
    """Record that a pledge of a campaign that reached its target is paid, with the payment's
    reference, through the provider the pledge was made with (the treasury: by hand)."""
    provider = payment_provider()
    now = now or timezone.now()
    with transaction.atomic():
        pledge = (
            Pledge.objects.select_for_update(of=("self",))
            .select_related("campaign", "campaign__municipality", "campaign__idea", "user")
            .get(pk=pledge.pk)
        )
        if pledge.provider != provider.name:
            raise Conflict(_("This pledge is paid through another provider."), code="other_provider")
        if pledge.campaign.status != CampaignStatus.SUCCEEDED:
            raise Conflict(
                _("Only pledges of a campaign that reached its target are paid."), code="not_succeeded"
            )
        if pledge.status != PledgeStatus.PLEDGED:
            raise Conflict(_("This pledge is already marked paid or released."), code="not_pledged")
        # Only now, once the pledge is known to be this provider's and payable: a provider's confirm
        # may act outside the database (capture a payment), which a refusal could not undo.
        reference = provider.confirm(pledge, actor, reference)
        pledge.status, pledge.provider_reference = PledgeStatus.CONFIRMED, reference
        pledge.confirmed_at, pledge.confirmed_by = now, actor
        pledge.save(update_fields=["status", "provider_reference", "confirmed_at", "confirmed_by"])
        audit_record(
            actor=actor,
            action="pledge.confirm",
            municipality=pledge.campaign.municipality,
            target=pledge,
            details={"campaign": pledge.campaign_id, "amount": pledge.amount, "reference": reference},
        )
        notify(
            recipients=[pledge.user],
            kind="pledge.confirmed",
            title=message(gettext_noop("Your payment for “{}” is received"), pledge.campaign.title),
            body=message(gettext_noop("{} roubles. Thank you."), pledge.amount),
            url=pledge.campaign.get_absolute_url(),
        )
    return pledge
