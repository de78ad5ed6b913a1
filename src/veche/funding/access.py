"""Access to co-financing: who sees a campaign, who opens one, who confirms payments.

A campaign is seen by whoever sees what it funds (a crowd project's idea). Those who run the idea's
project open campaigns for its taken-up ideas. Payments are confirmed by the municipality's treasury:
the roles holding "confirm_pledges" (municipal admins: money received is the administration's
business, not a department's).
"""

from typing import Any

from django.db.models import QuerySet

from veche.access.functions import access_municipality, access_visible, parse_pk
from veche.access.roles import Person, has_permission, is_signed_in
from veche.core.errors import NotFound
from veche.crowdprojects.access import can_see_idea
from veche.funding.models import Campaign, Pledge
from veche.municipalities.models import Municipality


def can_see_campaign(user: Person, campaign: Campaign) -> bool:
    return can_see_idea(user, campaign.funded_idea)


def campaigns() -> QuerySet[Campaign]:
    """Campaigns with what they fund and where: what every page and endpoint of one reads."""
    return Campaign.objects.select_related(
        "municipality",
        "idea",
        "idea__author",
        "idea__municipality",
        "idea__project",
        "idea__project__municipality",
    )


def access_campaign(user: Person, campaign_id: Any, *, municipality: Municipality | None = None) -> Campaign:
    """The campaign if this person may see it, in `municipality` when one is named; else NotFound."""
    found: Campaign = access_visible(
        user, campaigns(), campaign_id, can_see_campaign, municipality=municipality
    )
    return found


def access_own_pledge(user: Person, pledge_id: Any, *, campaign: Campaign) -> Pledge:
    """One of this person's pledges to `campaign`; NotFound for anyone else's."""
    if not is_signed_in(user):
        raise NotFound()
    pledge = Pledge.objects.filter(pk=parse_pk(pledge_id), campaign=campaign, user=user).first()
    if pledge is None:
        raise NotFound()
    pledge.campaign = campaign
    return pledge


def can_confirm_in(user: Person, municipality: Municipality) -> bool:
    return has_permission(user, municipality, "confirm_pledges")


def access_treasury(user: Person, slug: str) -> Municipality:
    """The municipality for its treasury (those who confirm pledges); NotFound for everyone else."""
    municipality = access_municipality(user, slug)
    if not can_confirm_in(user, municipality):
        raise NotFound()
    return municipality


def access_pledge_to_confirm(user: Person, pledge_id: Any, *, municipality: Municipality) -> Pledge:
    if not can_confirm_in(user, municipality):
        raise NotFound()
    pledge = (
        Pledge.objects.select_related("campaign", "campaign__municipality", "campaign__idea", "user")
        .filter(pk=parse_pk(pledge_id), campaign__municipality=municipality)
        .first()
    )
    if pledge is None:
        raise NotFound()
    return pledge
