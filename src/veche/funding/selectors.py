"""Reads of co-financing that pages and the API share."""

from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django.utils import formats

from veche.access.roles import Person, is_signed_in
from veche.crowdprojects.models import Idea, IdeaStatus, Project
from veche.funding.access import campaigns
from veche.funding.models import Campaign, CampaignStatus, Pledge, PledgeStatus


def roubles(amount: int) -> str:
    """An amount for people, grouped as the active language writes numbers: "12 500 ₽"."""
    return formats.number_format(amount, 0, use_l10n=True, force_grouping=True) + "\u00a0₽"


def campaigns_of_project(project: Project) -> QuerySet[Campaign]:
    """The project's campaigns, open ones first, each with its idea: one query however many."""
    open_first = Case(When(status=CampaignStatus.OPEN, then=Value(0)), default=Value(1))
    return campaigns().filter(idea__project=project).order_by(open_first, "-created_at", "-id")


def ideas_to_fund(project: Project) -> QuerySet[Idea]:
    """The project's taken-up ideas that have no open campaign: those a new campaign may fund."""
    return (
        Idea.objects.filter(project=project, status=IdeaStatus.SELECTED)
        .exclude(campaigns__status=CampaignStatus.OPEN)
        .order_by("title")
    )


def pledges_of(user: Person, campaign: Campaign) -> list[Pledge]:
    if not is_signed_in(user):
        return []
    return list(Pledge.objects.filter(campaign=campaign, user=user).order_by("-created_at", "-id"))


def pledges_to_confirm(municipality_id: int) -> QuerySet[Pledge]:
    """Pledges of the municipality's campaigns that reached their target, not yet marked paid."""
    return (
        Pledge.objects.filter(
            campaign__municipality_id=municipality_id,
            campaign__status=CampaignStatus.SUCCEEDED,
            status=PledgeStatus.PLEDGED,
        )
        .select_related("campaign__municipality", "campaign__idea", "user")
        .order_by("campaign__closed_at", "created_at", "id")
    )


@dataclass(frozen=True)
class OrganisationLine:
    """An organisation the treasury has received money from, by name only: a 12-digit INN is a sole
    trader's, a private person's number (personal data), and any pledger may type any INN, so the
    report names an organisation only once its payment is confirmed, and never prints the INN (the
    treasury's page shows it, to match the payment)."""

    name: str
    paid: int


@dataclass(frozen=True)
class Report:
    """A campaign's pledges for the public: organisations by name once they have paid, residents and
    unpaid organisation pledges only as numbers."""

    organisations: list[OrganisationLine]
    # Pledges made on behalf of an organisation that no payment has confirmed yet: anyone may type
    # any company's name and INN, so they are counted, not named.
    unconfirmed_pledges: int
    unconfirmed_amount: int
    residents: int
    residents_pledges: int
    residents_amount: int
    residents_paid: int


def campaign_report(campaign: Campaign) -> Report:
    """Three queries: the paying organisations' lines, the organisations' unconfirmed pledges, and the
    residents' sums."""
    counted = Pledge.objects.filter(campaign=campaign).exclude(status=PledgeStatus.CANCELLED)
    paid = Sum("amount", filter=Q(status=PledgeStatus.CONFIRMED))
    organisations = counted.exclude(organisation_inn="")
    lines = (
        organisations.filter(status=PledgeStatus.CONFIRMED)
        .values("organisation_inn", "organisation_name")
        .annotate(total=Sum("amount"))
        .order_by("-total", "organisation_name")
    )
    unconfirmed = organisations.exclude(status=PledgeStatus.CONFIRMED).aggregate(
        pledges=Count("id"), total=Sum("amount")
    )
    people = counted.filter(organisation_inn="").aggregate(
        people=Count("user", distinct=True), pledges=Count("id"), total=Sum("amount"), paid=paid
    )
    return Report(
        organisations=[OrganisationLine(row["organisation_name"], row["total"]) for row in lines],
        unconfirmed_pledges=unconfirmed["pledges"],
        unconfirmed_amount=unconfirmed["total"] or 0,
        residents=people["people"],
        residents_pledges=people["pledges"],
        residents_amount=people["total"] or 0,
        residents_paid=people["paid"] or 0,
    )
