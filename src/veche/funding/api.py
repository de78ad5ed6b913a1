"""API of co-financing: a campaign, a crowd project's campaigns, and pledging."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, StrictInt

from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.crowdprojects.access import access_project
from veche.funding import services
from veche.funding.access import access_campaign
from veche.funding.models import ORGANISATION_NAME_MAX_LENGTH, CampaignStatus, Pledge, PledgeStatus
from veche.funding.providers import payment_provider
from veche.funding.selectors import campaigns_of_project

router = Router(tags=["co-financing"])


class CampaignOut(Schema):
    id: int
    municipality: str
    url: str
    project: int
    idea: int
    title: str = Field(description="The title of the idea the campaign funds")
    status: str = Field(description="One of: " + ", ".join(CampaignStatus.values))
    target: int = Field(description="Roubles")
    pledged: int = Field(description="Roubles pledged and not withdrawn")
    remaining: int = Field(description="Roubles that may still be pledged")
    deadline: datetime
    closed_at: datetime | None
    taking_pledges: bool = Field(description="Open and before its deadline")

    @staticmethod
    def resolve_municipality(obj: Any) -> str:
        return str(obj.municipality.slug)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return str(obj.get_absolute_url())

    @staticmethod
    def resolve_project(obj: Any) -> int:
        return int(obj.idea.project_id)

    @staticmethod
    def resolve_idea(obj: Any) -> int:
        return int(obj.idea_id)

    @staticmethod
    def resolve_target(obj: Any) -> int:
        return int(obj.target_amount)

    @staticmethod
    def resolve_pledged(obj: Any) -> int:
        return int(obj.pledged_total)

    @staticmethod
    def resolve_taking_pledges(obj: Any) -> bool:
        return bool(obj.takes_pledges_at(timezone.now()))


class PledgeOrganisationIn(Schema):
    name: str = Field(max_length=ORGANISATION_NAME_MAX_LENGTH)
    inn: str = Field(max_length=12, description="10 digits (a company) or 12 (a sole trader)")


class PledgeIn(Schema):
    amount: StrictInt = Field(description="Whole roubles, at least 1, at most what remains")
    organisation: PledgeOrganisationIn | None = Field(
        default=None,
        description="Pledge on behalf of an organisation; its name (never its INN) is public in the report "
        "once the payment is confirmed",
    )


class PledgeOrganisationOut(Schema):
    name: str
    inn: str


class PledgeOut(Schema):
    id: int
    campaign: int
    amount: int
    status: str = Field(description="One of: " + ", ".join(PledgeStatus.values))
    organisation: PledgeOrganisationOut | None
    provider: str
    created_at: datetime
    confirmed_at: datetime | None
    instructions: str = Field(description="How to pay, should the campaign reach its target")

    @staticmethod
    def resolve_campaign(obj: Any) -> int:
        return int(obj.campaign_id)

    @staticmethod
    def resolve_organisation(obj: Any) -> dict[str, str] | None:
        if not obj.organisation_inn:
            return None
        return {"name": obj.organisation_name, "inn": obj.organisation_inn}

    @staticmethod
    def resolve_instructions(obj: Any) -> str:
        return payment_provider().instructions(obj)


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def campaign_detail(request: HttpRequest, campaign_id: str) -> Any:
    """One co-financing campaign: its target, what is pledged and what remains."""
    return access_campaign(request.user, campaign_id)


@router.get("/projects/{project_id}/campaigns", response={200: list[CampaignOut], **ERRORS})
@paginate(ListPagination)
def project_campaigns(request: HttpRequest, project_id: str) -> Any:
    """The co-financing campaigns of a crowd project's taken-up ideas, open ones first."""
    project = access_project(request.user, project_id)
    return campaigns_of_project(project).filter(idea__hidden_at__isnull=True)


@router.post("/campaigns/{campaign_id}/pledges", response={201: PledgeOut, **ERRORS}, auth=AUTH)
def pledge_create(request: HttpRequest, campaign_id: str, payload: PledgeIn) -> Any:
    """Pledge whole roubles, up to what remains, while the project's co-financing stage runs and before
    the deadline. 409 after the deadline or over what remains (the message says how much remains)."""
    campaign = access_campaign(request.user, campaign_id)
    rate_limit_request("write", request)
    organisation = (
        services.Organisation(name=payload.organisation.name, inn=payload.organisation.inn)
        if payload.organisation is not None
        else None
    )
    pledge: Pledge = services.pledge_make(
        user=signed_in(request), campaign=campaign, amount=payload.amount, organisation=organisation
    )
    return Status(201, pledge)
