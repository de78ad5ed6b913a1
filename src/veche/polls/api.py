"""API of polls: list a municipality's polls with your vote, read one, vote, and read the results."""

import json
from datetime import datetime
from typing import Any, Literal, cast

import orjson
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.responses import NinjaJSONEncoder
from pydantic import Field, StrictInt

from veche.access.roles import Tier
from veche.api.pagination import MAX_LIMIT, ListPagination
from veche.api.schemas import ERRORS, ErrorDetail
from veche.api.security import AUTH
from veche.core.errors import Forbidden
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.core.sanitize import render_markdown
from veche.ledger.services import Receipt
from veche.polls import services
from veche.polls.access import access_poll, can_see_results, results_public
from veche.polls.listing import listed_now, listed_page
from veche.polls.models import OPTIONS_MAX, Kind, Poll
from veche.polls.selectors import LISTED, poll_results, with_listing

router = Router(tags=["polls"])

StatusName = Literal[tuple(LISTED)]  # type: ignore[valid-type]


class PollFilters(Schema):
    status: StatusName | None = Field(  # type: ignore[valid-type]
        default=None, description="open, scheduled (not open yet) or closed; all published polls if absent"
    )


class PollOptionOut(Schema):
    id: int
    text: str


class PollOut(Schema):
    id: int
    municipality: str
    url: str
    title: str
    description: str
    description_html: str
    kind: str = Field(description="single, multiple or ranked")
    status: str = Field(description="scheduled, open or closed")
    options: list[PollOptionOut]
    min_choices: int
    max_choices: int
    tier: str = Field(description="Who may vote: 'registered' or 'verified' residents")
    districts: list[str] = Field(
        description="Slugs of the districts whose verified residents may vote; [] for all"
    )
    opens_at: datetime
    closes_at: datetime
    closed_early_at: datetime | None
    live_results: bool
    results_public: bool
    votes_count: int
    my_vote: list[int] | None = Field(
        description="The option ids you chose (in order of preference for a ranked poll); null if none"
    )

    @staticmethod
    def resolve_municipality(obj: Any) -> str:
        return str(obj.municipality.slug)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return services.poll_url(obj)

    @staticmethod
    def resolve_description_html(obj: Any) -> str:
        return str(render_markdown(obj.description)) if obj.description else ""

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.status_at(timezone.now()))

    @staticmethod
    def resolve_options(obj: Any) -> list[dict[str, Any]]:
        return list(obj.listed_options)

    @staticmethod
    def resolve_tier(obj: Any) -> str:
        return Tier(obj.tier).name.lower()

    @staticmethod
    def resolve_districts(obj: Any) -> list[str]:
        return list(obj.listed_districts)

    @staticmethod
    def resolve_closed_early_at(obj: Any) -> datetime | None:
        return cast("datetime | None", obj.closed_at)

    @staticmethod
    def resolve_results_public(obj: Any) -> bool:
        return results_public(obj, timezone.now())

    @staticmethod
    def resolve_my_vote(obj: Any) -> list[int] | None:
        return obj.my_choices  # type: ignore[no-any-return]


class VoteIn(Schema):
    options: list[StrictInt] = Field(
        max_length=OPTIONS_MAX,
        description="Option ids; for a ranked poll in order of preference, most preferred first",
    )


class PollReceiptOut(Schema):
    poll: int
    options: list[int]
    receipt: str = Field(description="The hash of your vote's ledger entry: check it at check_url")
    chain: str
    seq: int
    nonce: str = Field(description="Kept secret in the ledger; with it you can recompute your entry's digest")
    check_url: str


class CastVote(Schema):
    options: list[int]
    created_at: datetime
    receipt: str


class VoteConflict(ErrorDetail):
    vote: CastVote


class VoteConflictOut(Schema):
    error: VoteConflict


class OptionResultOut(Schema):
    id: int
    text: str
    votes: int = Field(description="Voters who chose the option; in a ranked poll, who ranked it first")
    share: float = Field(description="votes / voters, from 0 to 1")
    ranked_by: int | None = Field(description="Ranked polls: voters who ranked the option at all")
    borda: int | None = Field(description="Ranked polls: the Borda score (see `counting`)")


class TurnoutOut(Schema):
    district: str | None = Field(description="The district's slug; null for voters with no verified district")
    name: str
    voters: int


class PollResultsOut(Schema):
    poll: int
    kind: str
    status: str
    public: bool = Field(description="False while only the poll's staff may see the results")
    voters: int
    counting: str = Field(description="How the numbers were counted")
    options: list[OptionResultOut]
    turnout: list[TurnoutOut]


class PagedPollOut(Schema):
    items: list[PollOut]
    count: int


def _item(poll: Poll) -> dict[str, Any]:
    """`PollOut` of a poll carrying `with_listing`'s attributes, as the API writes it (its times in
    ninja's format), ready for orjson."""
    return cast(
        "dict[str, Any]", json.loads(json.dumps(PollOut.from_orm(poll).model_dump(), cls=NinjaJSONEncoder))
    )


@router.get("/municipalities/{slug}/polls", response={200: PagedPollOut, **ERRORS})
def poll_list(
    request: HttpRequest, slug: str, filters: Query[PollFilters], page: Query[ListPagination.Input]
) -> Any:
    """The municipality's published polls, with your vote in each (a bearer token or session)."""
    now = timezone.now()
    # Each item is PollOut's own serialisation, kept with the list (`polls.listing`), which also
    # finds the municipality as `access_municipality` does; the page is served as it is, so ninja
    # need not check it again.
    listed = listed_page(
        slug,
        request.user,
        status=filters.status or "",
        now=now,
        offset=page.offset,
        limit=min(page.limit, MAX_LIMIT),
    )
    items = [
        {
            **item,
            **listed_now(poll, now),
            "votes_count": listed.votes[poll.pk],
            "my_vote": listed.choices.get(poll.pk),
        }
        for poll, item in zip(listed.polls, listed.listing.items(listed.polls, _item), strict=True)
    ]
    return HttpResponse(
        orjson.dumps({"items": items, "count": listed.count}), content_type="application/json"
    )


@router.get("/polls/{poll_id}", response={200: PollOut, **ERRORS})
def poll_detail(request: HttpRequest, poll_id: str) -> Any:
    poll = access_poll(request.user, poll_id)
    return with_listing([poll], request.user)[0]


@router.post(
    "/polls/{poll_id}/votes", response={201: PollReceiptOut, 409: VoteConflictOut, **ERRORS}, auth=AUTH
)
def poll_vote(request: HttpRequest, poll_id: str, payload: VoteIn) -> Any:
    """Vote once. 201 with your receipt; a repeat answers 409 with the vote that stands."""
    poll = access_poll(request.user, poll_id)
    rate_limit_request("write", request)
    receipt: Receipt = services.poll_vote(user=signed_in(request), poll=poll, options=payload.options)
    return Status(
        201,
        {
            "poll": poll.pk,
            "options": payload.options,
            "receipt": receipt.entry_hash,
            "chain": receipt.chain,
            "seq": receipt.seq,
            "nonce": receipt.nonce,
            "check_url": f"{reverse('ledger:check')}?receipt={receipt.entry_hash}",
        },
    )


@router.get("/polls/{poll_id}/results", response={200: PollResultsOut, **ERRORS})
def poll_results_read(request: HttpRequest, poll_id: str) -> Any:
    """The counts once voting has ended (or live, if the poll says so); 403 before that."""
    poll = access_poll(request.user, poll_id)
    now = timezone.now()
    if not can_see_results(request.user, poll, now):
        raise Forbidden(services.results_hidden_reason(poll), code="results_not_public")
    results = poll_results(poll=poll)
    ranked = poll.kind == Kind.RANKED
    return {
        "poll": poll.pk,
        "kind": poll.kind,
        "status": poll.status_at(now),
        "public": results_public(poll, now),
        "voters": results.voters,
        "counting": results.counting,
        "options": [
            {
                "id": o.id,
                "text": o.text,
                "votes": o.votes,
                "share": round(o.share, 4),
                "ranked_by": o.ranked_by if ranked else None,
                "borda": o.borda,
            }
            for o in results.options
        ],
        "turnout": [{"district": t.slug, "name": t.name, "voters": t.voters} for t in results.turnout],
    }
