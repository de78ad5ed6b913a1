"""API of opinion mapping: a municipality's deliberations, one deliberation with where the caller
stands, its statements, the next statement to answer, votes, new statements, and the map's groups.

Ids: `statement` in requests and answers (`/votes`, `/next`, `/statements`) is the statement's `id`,
its primary key, as the pages use it. The map (`/groups`) speaks Polis's numbering: statements by
their `number` (listed next to `id` by `/statements`) and participants by their participant number,
never a user id or a name.
"""

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, Field, StrictInt, StrictStr

from veche.access.functions import access_municipality
from veche.access.predicates import Feature
from veche.access.roles import Tier, is_signed_in
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.errors import DomainError
from veche.core.http import signed_in
from veche.core.ratelimit import rate_limit_request
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.selectors import stages_of
from veche.deliberation import services
from veche.deliberation.access import access_deliberation, can_run_deliberation
from veche.deliberation.listing_selectors import (
    answered_count,
    deliberations_for,
    statements_with_tallies,
    with_counts,
)
from veche.deliberation.models import Deliberation, Map, Statement
from veche.deliberation.phases import deliberation_phase

router = Router(tags=["opinion mapping"])

# The keys of the engine's `Result.to_json()` (the CLI's JSON), which `/groups` answers; `Map.result`
# holds more (points, centres, priorities, counts) for the pages.
RESULT_KEYS = (
    "k",
    "groups",
    "repness",
    "consensus",
    "group_informed_consensus",
    "group_sizes",
    "n_participants",
    "n_votes",
    "reason",
)
VOTES = (1, -1, 0)


def _tier(obj: Any) -> str:
    return Tier(obj.tier).name.lower()


class DeliberationFields(Schema):
    id: int
    municipality: str
    title: str = Field(description="The question")
    project: int | None = Field(
        description="The crowd project whose deliberation stage this is; null: standalone"
    )
    tier: str = Field(description="Who may take part: 'registered' or 'verified' residents")
    opens_at: datetime | None = Field(description="Standalone: when it opens; null for a project's")
    closes_at: datetime | None = Field(description="Standalone: when it closes (null: open-ended)")
    published_at: datetime | None = Field(description="null: a draft (seen only by those who run it)")
    participants: int
    statements: int = Field(description="Statements shown to voters")
    votes: int = Field(description="The latest votes on shown statements")


class DeliberationListOut(DeliberationFields):
    @staticmethod
    def resolve_municipality(obj: Any) -> str:
        return str(obj.municipality.slug)

    @staticmethod
    def resolve_project(obj: Any) -> int | None:
        return obj.project_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_tier(obj: Any) -> str:
        return _tier(obj)

    @staticmethod
    def resolve_participants(obj: Any) -> int:
        return int(obj.participants_count)

    @staticmethod
    def resolve_statements(obj: Any) -> int:
        return int(obj.statements_count)

    @staticmethod
    def resolve_votes(obj: Any) -> int:
        return int(obj.votes_count)


class DeliberationPhaseOut(Schema):
    name: str = Field(description="'open' (residents answer and add statements) or 'closed'")
    reason: str = Field(description="Why it is closed; empty while open")
    opens_at: datetime | None = Field(
        description="Standalone: its opening; a project's: the start of its deliberation stage "
        "(the running one, else the next, else the last)"
    )
    closes_at: datetime | None


class DeliberationCallerOut(Schema):
    may_answer: bool = Field(description="Whether you may vote now")
    code: str | None = Field(
        description="Why not, for programs: unauthorized (log in), stage_closed, forbidden (tier), "
        "other_district; null when you may"
    )
    reason: str = Field(description="Why not, for people; empty when you may")
    may_add_statements: bool
    answered: int = Field(description="How many of the shown statements you have answered")


class DeliberationMapSummaryOut(Schema):
    k: int = Field(description="The number of opinion groups; 0 when there are none yet (see reason)")
    reason: str = Field(
        description="Why k is 0 (the engine's code, e.g. too-few-participants); empty otherwise"
    )
    computed_at: datetime
    n_participants: int
    n_votes: int


class DeliberationOut(DeliberationFields):
    description: str
    districts: list[str] = Field(
        description="Slugs of the districts whose verified residents take part; [] for all"
    )
    phase: DeliberationPhaseOut
    residents_add_statements: bool
    statement_max_length: int = Field(description="The longest statement, in characters")
    you: DeliberationCallerOut
    map: DeliberationMapSummaryOut | None = Field(description="The last map's summary; null before the first")


class DeliberationStatementBriefOut(Schema):
    id: int = Field(description="The statement's id: send it as `statement` when voting")
    number: int = Field(description="Polis's comment id, as the map (/groups) names statements")
    text: str


class DeliberationTallyOut(DeliberationStatementBriefOut):
    seen: int = Field(description="Voters who answered it")
    agree: int
    disagree: int
    pass_: int = Field(alias="pass")

    @staticmethod
    def resolve_pass(obj: Any) -> int:
        return int(obj.passes)


class DeliberationNextOut(Schema):
    statement: DeliberationStatementBriefOut | None = Field(
        description="The statement to answer next; null when there is none (see reason)"
    )
    reason: str | None = Field(
        description="Why there is none: all_answered (you answered every shown statement) or "
        "no_statements (none shown yet); null with a statement"
    )
    answered: int
    may_answer: bool = Field(
        description="Whether you may answer it now (see you.code in GET /deliberations/{id})"
    )
    code: str | None = Field(
        description="Why you may not: unauthorized, stage_closed, a tier or district code; null when you may"
    )


def _vote_value(value: int) -> int:
    if value not in VOTES:
        raise ValueError("A vote is 1 (agree), -1 (disagree) or 0 (pass).")
    return value


class DeliberationVoteIn(Schema):
    statement: StrictInt = Field(description="The statement's id (not its number)")
    vote: Annotated[StrictInt, AfterValidator(_vote_value)] = Field(
        description="1 agree, -1 disagree, 0 pass; strings and booleans are refused",
        json_schema_extra={"enum": list(VOTES)},
    )


class DeliberationVoteOut(Schema):
    deliberation: int
    statement: int = Field(description="The statement's id")
    number: int = Field(description="The statement's number (Polis's comment id)")
    vote: int
    created_at: datetime = Field(description="Your first answer to the statement")
    updated_at: datetime = Field(description="This answer")
    answered: int = Field(description="How many of the shown statements you have answered")


class DeliberationStatementIn(Schema):
    text: StrictStr = Field(
        max_length=5000, description="Plain text, at most the deliberation's statement_max_length characters"
    )


class DeliberationStatementOut(Schema):
    id: int
    number: int
    text: str
    status: str = Field(
        description="pending (shown once a moderator accepts it), or accepted (the organisers' own)"
    )
    is_seed: bool = Field(description="Added by the organisers")
    created_at: datetime


class DeliberationRepOut(Schema):
    statement: int = Field(description="The statement's number")
    direction: str = Field(description="agree or disagree")
    n_agree: int
    n_disagree: int
    n_seen: int
    p: float = Field(description="Share of the group in `direction`, (n + 1) / (seen + 2)")
    p_out: float = Field(description="The same share outside the group")
    ratio: float
    score: float


class DeliberationConsensusOut(Schema):
    direction: str
    statement: int = Field(description="The statement's number")
    n_agree: int
    n_disagree: int
    n_seen: int
    p: float


class DeliberationGroupsOut(Schema):
    k: int = Field(description="The number of groups: 0 when none can be formed yet (see reason)")
    reason: str | None = Field(
        description="Why k is 0: the engine's code (too-few-participants, too-few-statements...), "
        "or not_computed when no map was computed yet; null when there are groups"
    )
    computed_at: datetime | None = Field(description="When the map was computed; null: not_computed")
    groups: dict[str, int] = Field(description='{"<participant number>": <group index>}, groups from 0')
    repness: dict[str, list[DeliberationRepOut]] = Field(
        description='{"<group index>": representative statements, best first}'
    )
    consensus: list[DeliberationConsensusOut]
    group_informed_consensus: dict[str, float] = Field(description='{"<statement number>": value}')
    group_sizes: list[int]
    n_participants: int
    n_votes: int


class DeliberationPlaceOut(Schema):
    participant: bool = Field(description="Whether you have voted or written here")
    answered: int
    group: int | None = Field(description="Your group's index (0 is group A); null: not in a group")
    group_letter: str | None = Field(description="A, B, C...")
    point: list[float] | None = Field(description="[x, y] on the map's picture")
    in_map: bool = Field(description="The last map counted all your votes")
    projected: bool = Field(description="Placed from your votes since the last map")


# Reads.


def _deliberation(request: HttpRequest, deliberation_id: str) -> Deliberation:
    return access_deliberation(request.user, deliberation_id)


def _dates(deliberation: Deliberation, now: datetime) -> tuple[datetime | None, datetime | None]:
    """A standalone deliberation's own dates; a project's, its deliberation stage's (running, else the
    next, else the last)."""
    if deliberation.project is None:
        return deliberation.opens_at, deliberation.closes_at
    stages = [s for s in stages_of(deliberation.project) if s.kind == StageKind.DELIBERATION]
    if not stages:
        return None, None
    stage = (
        next((s for s in stages if s.runs_at(now)), None)
        or next((s for s in stages if now < s.starts_at), None)
        or stages[-1]
    )
    return stage.starts_at, stage.ends_at


def _caller(request: HttpRequest, deliberation: Deliberation, now: datetime) -> dict[str, Any]:
    user = request.user
    participant = services.find_participant(user=user, deliberation=deliberation)
    runs = can_run_deliberation(user, deliberation)
    code: str | None = None
    reason = ""
    try:
        services.require_deliberate(user, deliberation, now)  # type: ignore[arg-type]
    except DomainError as refused:
        code, reason = refused.code, refused.message
        if not is_signed_in(user) and code != "stage_closed":
            code = "unauthorized"
    may_answer = code is None
    return {
        "may_answer": may_answer,
        "code": code,
        "reason": reason,
        "may_add_statements": runs or (may_answer and deliberation.residents_add_statements),
        "answered": answered_count(participant),
    }


def _districts(deliberation: Deliberation) -> list[str]:
    districts = deliberation.project.districts if deliberation.project is not None else deliberation.districts
    return sorted(districts.values_list("slug", flat=True))


@router.get("/municipalities/{slug}/deliberations", response={200: list[DeliberationListOut], **ERRORS})
@paginate(ListPagination)
def deliberation_list(request: HttpRequest, slug: str) -> Any:
    """The municipality's published deliberations, newest first, with their counts (the phase and your
    place are in GET /deliberations/{id})."""
    return deliberations_for(municipality=access_municipality(request.user, slug))


@router.get("/deliberations/{deliberation_id}", response={200: DeliberationOut, **ERRORS})
def deliberation_detail(request: HttpRequest, deliberation_id: str) -> Any:
    """The question, its phase (open or closed, why, and the dates), its counts, whether and how you
    may take part, and the last map's summary. A draft is 404 except for those who run it."""
    found = _deliberation(request, deliberation_id)
    deliberation = with_counts(Deliberation.objects.select_related("municipality", "project")).get(
        pk=found.pk
    )
    now = timezone.now()
    phase = deliberation_phase(deliberation, now)
    is_open = Feature.DELIBERATE in phase.features
    opens_at, closes_at = _dates(deliberation, now)
    last = Map.objects.filter(deliberation=deliberation).only(
        "k", "reason", "computed_at", "n_participants", "n_votes"
    )
    summary = last.first()
    return {
        "id": deliberation.pk,
        "municipality": deliberation.municipality.slug,
        "title": deliberation.title,
        "project": deliberation.project_id,
        "tier": _tier(deliberation),
        "published_at": deliberation.published_at,
        "participants": deliberation.participants_count,  # type: ignore[attr-defined]
        "statements": deliberation.statements_count,  # type: ignore[attr-defined]
        "votes": deliberation.votes_count,  # type: ignore[attr-defined]
        "opens_at": opens_at,
        "closes_at": closes_at,
        "description": deliberation.description,
        "districts": _districts(deliberation),
        "phase": {
            "name": "open" if is_open else "closed",
            "reason": "" if is_open else str(phase.closed_reason or ""),
            "opens_at": opens_at,
            "closes_at": closes_at,
        },
        "residents_add_statements": deliberation.residents_add_statements,
        "statement_max_length": deliberation.statement_max_length,
        "you": _caller(request, deliberation, now),
        "map": summary,
    }


@router.get(
    "/deliberations/{deliberation_id}/statements",
    response={200: list[DeliberationTallyOut], **ERRORS},
    by_alias=True,
)
@paginate(ListPagination)
def deliberation_statements(request: HttpRequest, deliberation_id: str) -> Any:
    """The statements shown to voters (accepted, not hidden), by number, with their latest votes."""
    return statements_with_tallies(_deliberation(request, deliberation_id))


def _brief(statement: Statement) -> dict[str, Any]:
    return {"id": statement.pk, "number": statement.number, "text": statement.text}


@router.get("/deliberations/{deliberation_id}/next", response={200: DeliberationNextOut, **ERRORS})
def deliberation_next(request: HttpRequest, deliberation_id: str) -> Any:
    """The next statement for you to answer: always 200; `statement` null with `reason` when there is
    none. A visitor (or a person who has not voted) gets one too, drawn as for a newcomer, so that
    the statements can be read; `may_answer` and `code` say whether you may answer it now."""
    deliberation = _deliberation(request, deliberation_id)
    participant = services.find_participant(user=request.user, deliberation=deliberation)
    statement = services.next_statement(deliberation=deliberation, participant=participant)
    caller = _caller(request, deliberation, timezone.now())
    you = {"answered": caller["answered"], "may_answer": caller["may_answer"], "code": caller["code"]}
    if statement is not None:
        return {"statement": _brief(statement), "reason": None, **you}
    return {"statement": None, "reason": "all_answered" if caller["answered"] else "no_statements", **you}


@router.get("/deliberations/{deliberation_id}/groups", response={200: DeliberationGroupsOut, **ERRORS})
def deliberation_groups(request: HttpRequest, deliberation_id: str) -> Any:
    """The last map: the same content as `veche deliberation cluster DIR --format json` (k, groups,
    repness, consensus, group_informed_consensus, group_sizes, n_participants, n_votes, reason) and
    computed_at. Too few voters: 200 with k 0 and the engine's reason; no map yet: 200 with k 0 and
    reason not_computed. Participants and statements are Polis numbers (no user ids)."""
    deliberation = _deliberation(request, deliberation_id)
    last = Map.objects.filter(deliberation=deliberation).only("result", "computed_at").first()
    if last is None:
        return {
            "k": 0,
            "reason": "not_computed",
            "computed_at": None,
            "groups": {},
            "repness": {},
            "consensus": [],
            "group_informed_consensus": {},
            "group_sizes": [],
            "n_participants": 0,
            "n_votes": 0,
        }
    result = {key: last.result.get(key) for key in RESULT_KEYS}
    return {**result, "computed_at": last.computed_at}


@router.get("/deliberations/{deliberation_id}/me", response={200: DeliberationPlaceOut, **ERRORS}, auth=AUTH)
def deliberation_me(request: HttpRequest, deliberation_id: str) -> Any:
    """Where you stand: your group on the last map (or projected from your votes since), your point on
    the picture, and how many statements you have answered."""
    deliberation = _deliberation(request, deliberation_id)
    participant = services.find_participant(user=request.user, deliberation=deliberation)
    place = services.participant_place(deliberation=deliberation, participant=participant)
    return {
        "participant": participant is not None,
        "answered": answered_count(participant),
        "group": place.group,
        "group_letter": chr(ord("A") + place.group) if place.group is not None else None,
        "point": list(place.point) if place.point is not None else None,
        "in_map": place.in_map,
        "projected": place.projected,
    }


# Writes.


@router.post(
    "/deliberations/{deliberation_id}/votes",
    response={200: DeliberationVoteOut, 201: DeliberationVoteOut, **ERRORS},
    auth=AUTH,
)
def deliberation_vote(request: HttpRequest, deliberation_id: str, payload: DeliberationVoteIn) -> Any:
    """Answer a statement: 201 with your first answer to it, 200 when this answer replaces an earlier
    one (the latest counts). Errors: 400 unknown_statement (not of this deliberation), 409
    statement_not_shown (pending, rejected or hidden), 409 stage_closed, 403 forbidden (tier) or
    other_district, 422 validation_error for a vote other than 1, -1, 0 (no "1", no true)."""
    deliberation = _deliberation(request, deliberation_id)
    rate_limit_request("write", request)
    user = signed_in(request)
    vote = services.vote_cast(
        user=user,
        deliberation=deliberation,
        statement=payload.statement,
        value=payload.vote,
        now=timezone.now(),
    )
    answer = {
        "deliberation": deliberation.pk,
        "statement": vote.statement_id,
        "number": vote.statement.number,
        "vote": vote.value,
        "created_at": vote.created_at,
        "updated_at": vote.updated_at,
        "answered": answered_count(vote.participant),
    }
    return Status(201 if vote.created_at == vote.updated_at else 200, answer)


@router.post(
    "/deliberations/{deliberation_id}/statements",
    response={201: DeliberationStatementOut, **ERRORS},
    auth=AUTH,
)
def deliberation_statement_add(
    request: HttpRequest, deliberation_id: str, payload: DeliberationStatementIn
) -> Any:
    """Add a statement: 201, pending until a moderator accepts it (the organisers' own are accepted at
    once). Errors: 400 with fields.text (empty, too long), 400 markup, 409 duplicate, 403
    organisers_only, 409 stage_closed, 403 forbidden or other_district."""
    deliberation = _deliberation(request, deliberation_id)
    rate_limit_request("write", request)
    statement = services.statement_add(
        author=signed_in(request), deliberation=deliberation, text=payload.text, now=timezone.now()
    )
    return Status(201, statement)
