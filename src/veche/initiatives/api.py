"""API of initiatives: list and read them, propose and publish, support, and the official answer."""

from datetime import date, datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from veche.access.functions import access_municipality
from veche.accounts.models import User
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.errors import DomainError
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.initiatives import services
from veche.initiatives.access import access_initiative, access_initiative_draft, access_initiative_to_answer
from veche.initiatives.models import VOTING_DAYS_MAX, Initiative
from veche.initiatives.selectors import (
    LISTED,
    ORDERINGS,
    initiative_milestones,
    initiatives_for,
)
from veche.municipalities.models import District, Municipality
from veche.municipalities.zones import zone_of
from veche.petitions.api import EndorsementOut, PetitionEndpoints, PetitionOut
from veche.petitions.models import TITLE_MAX_LENGTH
from veche.petitions.selectors import QUERY_MAX_LENGTH
from veche.polls.models import OPTIONS_MAX

router = Router(tags=["initiatives"])

StatusName = Literal[tuple(LISTED)]  # type: ignore[valid-type]
OrderName = Literal[tuple(ORDERINGS)]  # type: ignore[valid-type]


class InitiativeIn(Schema):
    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH)
    body: str = Field(min_length=1, max_length=settings.TEXT_MAX_LENGTH, description="Markdown")
    district: str | None = Field(
        default=None, description="A district's slug: an initiative for that district"
    )
    publish: bool = Field(default=False, description="Publish at once rather than keep a draft")


class InitiativeAnswerIn(Schema):
    decision: Literal["reject", "accept"]
    answer: str = Field(
        min_length=1, max_length=settings.TEXT_MAX_LENGTH, description="Markdown: the reasons, when rejecting"
    )
    options: list[str] = Field(
        default=[],
        max_length=OPTIONS_MAX,
        description="When accepting: at least two ready-made ways to carry it out, which residents vote on",
    )
    opens_at: datetime | None = Field(default=None, description="When the vote opens; at once if absent")
    voting_days: int | None = Field(default=None, ge=1, le=VOTING_DAYS_MAX)


class InitiativeFilters(Schema):
    status: StatusName | None = None  # type: ignore[valid-type]
    district: str | None = Field(default=None, description="A district's slug")
    q: str = Field(default="", max_length=QUERY_MAX_LENGTH, description="Words in the title or text")
    order: OrderName = "new"  # type: ignore[valid-type]


class InitiativeOut(PetitionOut):
    district: str | None = Field(description="The district's slug; null for the whole municipality")
    supporters_count: int = Field(validation_alias="endorsements_count")
    support_threshold: int | None = Field(
        validation_alias="threshold", description="Fixed when published; null for a draft"
    )
    published_at: datetime | None
    support_ends_at: datetime | None
    poll: int | None = Field(description="The vote on the options, once accepted")
    poll_url: str | None
    chosen_option: str | None = Field(description="The option residents chose")
    decided_at: datetime | None
    implemented_at: datetime | None
    archived_at: datetime | None

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return str(obj.district.slug) if obj.district_id else None

    @staticmethod
    def resolve_poll(obj: Any) -> int | None:
        return int(obj.poll_id) if obj.poll_id is not None else None

    @staticmethod
    def resolve_poll_url(obj: Any) -> str | None:
        if obj.poll_id is None:
            return None
        return reverse("polls:detail", args=[obj.municipality.slug, obj.poll_id])

    @staticmethod
    def resolve_chosen_option(obj: Any) -> str | None:
        return str(obj.chosen_option.text) if obj.chosen_option_id else None


class InitiativeOptionOut(Schema):
    id: int
    text: str


class InitiativeMilestoneOut(Schema):
    id: int
    title: str
    description: str
    due: date | None
    done_at: datetime | None
    photos: list[str] = Field(description="URLs of the photos of the work")

    @staticmethod
    def resolve_photos(obj: Any) -> list[str]:
        return [photo.image.url for photo in obj.photos.all()]


class InitiativeDetailOut(InitiativeOut):
    options: list[InitiativeOptionOut] = Field(description="The ready-made options residents vote on")
    milestones: list[InitiativeMilestoneOut]

    @staticmethod
    def resolve_options(obj: Any) -> list[Any]:
        return list(obj.poll.options.all()) if obj.poll_id else []

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Any]:
        return initiative_milestones(initiative=obj) if obj.poll_id else []


class InitiativeSupportOut(EndorsementOut):
    initiative_id: int = Field(validation_alias="petition_id")
    district: str | None
    supporters_count: int
    status: str = Field(description="The initiative's status after this support")

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return str(obj.district.slug) if obj.district_id else None

    @staticmethod
    def resolve_supporters_count(obj: Any) -> int:
        return int(obj.petition.endorsements_count)

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.petition.status)


def _district(municipality: Municipality, slug: str | None) -> District | None:
    if not slug:
        return None
    district = District.objects.filter(municipality=municipality, slug=slug).first()
    if district is None:
        raise DomainError(fields={"district": [_("Choose a district of this municipality.")]})
    return district


def _detail(initiative: Initiative) -> Initiative:
    return Initiative.objects.select_related(
        "municipality", "author", "district", "poll", "chosen_option"
    ).get(pk=initiative.pk)


@router.get("/municipalities/{slug}/initiatives", response={200: list[InitiativeOut], **ERRORS})
@paginate(ListPagination)
def initiative_list(request: HttpRequest, slug: str, filters: Query[InitiativeFilters]) -> Any:
    """The municipality's published initiatives, newest first unless `order` says otherwise."""
    municipality = access_municipality(request.user, slug)
    district = (
        District.objects.filter(municipality=municipality, slug=filters.district).first()
        if filters.district
        else None
    )
    if filters.district and district is None:
        return Initiative.objects.none()
    return initiatives_for(
        municipality=municipality,
        viewer=request.user,
        status=filters.status or "",
        district=district,
        query=filters.q,
        order=filters.order,
    ).select_related("poll", "chosen_option")


@router.post("/municipalities/{slug}/initiatives", response={201: InitiativeOut, **ERRORS}, auth=AUTH)
def initiative_post(request: HttpRequest, slug: str, payload: InitiativeIn) -> Any:
    """Propose an initiative: a draft only you see, or published at once with `publish`."""
    municipality = access_municipality(request.user, slug)
    rate_limit_request("write", request)
    initiative = services.initiative_create(
        author=signed_in(request),
        municipality=municipality,
        title=payload.title,
        body=payload.body,
        district=_district(municipality, payload.district),
        publish=payload.publish,
    )
    return Status(201, _detail(initiative))


@router.post("/initiatives/{initiative_id}/publish", response={200: InitiativeOut, **ERRORS}, auth=AUTH)
def initiative_publish(request: HttpRequest, initiative_id: str) -> Any:
    """Publish your draft: it collects support towards a threshold fixed now."""
    initiative = access_initiative_draft(request.user, initiative_id)
    rate_limit_request("write", request)
    return _detail(services.initiative_publish(author=signed_in(request), initiative=initiative))


class InitiativeEndpoints(PetitionEndpoints):
    rules = services.RULES
    access = staticmethod(access_initiative)
    access_to_answer = staticmethod(access_initiative_to_answer)
    out = InitiativeDetailOut
    endorsements = "supports"
    endorse_verb = "support"
    endorsement_out = InitiativeSupportOut
    endorse_doc = (
        "Support the initiative: 201 with your support and its receipt, or 200 with the one made before\n"
        "(even once the initiative no longer takes support)."
    )
    answer_in = InitiativeAnswerIn

    def answer(self, official: User, petition: Any, payload: InitiativeAnswerIn) -> Initiative:
        """The official answer (officials and municipal admins): reject with reasons, or accept with
        options."""
        if payload.decision == "reject":
            initiative = services.initiative_reject(
                official=official, initiative=petition, reasons=payload.answer
            )
        else:
            opens_at = payload.opens_at
            if opens_at is not None and timezone.is_naive(opens_at):
                # A time without an offset is the municipality's local time, as on the page.
                opens_at = timezone.make_aware(opens_at, zone_of(petition.municipality))
            initiative = services.initiative_accept(
                official=official,
                initiative=petition,
                answer=payload.answer,
                options=payload.options,
                opens_at=opens_at,
                voting_days=payload.voting_days,
            )
        return _detail(initiative)


InitiativeEndpoints().add_to(router)
