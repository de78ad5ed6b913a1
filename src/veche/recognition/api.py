"""API of recognition: a municipality's badges and how each is earned; the caller's badges and points
per municipality with the entries that earned them, and every line of their ledger of points."""

from collections.abc import Sequence
from datetime import datetime
from functools import cached_property
from typing import Any, overload

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from veche.access.functions import access_municipality
from veche.accounts.models import User
from veche.api.pagination import ListPagination
from veche.api.schemas import ERRORS
from veche.api.security import AUTH
from veche.core.http import signed_in
from veche.municipalities.models import Municipality
from veche.recognition.conditions import how_earned
from veche.recognition.models import Action, Condition, Kind
from veche.recognition.selectors import (
    Line,
    Standing,
    badge_rules,
    entries_of,
    lines_of,
    places_of,
    rules_ready,
    standings_of,
)

router = Router(tags=["recognition"])


class BadgeOut(Schema):
    code: str
    name: str = Field(description="In the request's language (Russian where no English one is given)")
    description: str = Field(description="What the municipality says of the badge; may be empty")
    how_earned: str = Field(description="How the badge is earned, in words made from its rule")
    condition: str = Field(description=f"One of: {', '.join(Condition.values)}")
    threshold: int = Field(description="How many the condition asks for")
    url: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.title)

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return str(obj.description or "")

    @staticmethod
    def resolve_how_earned(obj: Any) -> str:
        return how_earned(obj)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("recognition:badge", args=[obj.municipality.slug, obj.code])


class EntryOut(Schema):
    id: int
    municipality: str
    action: str = Field(description=f"One of: {', '.join(Action.values)}")
    kind: str = Field(description=f"One of: {', '.join(Kind.values)}")
    points: int = Field(description="Positive for an award or a restoration, negative for a revocation")
    subject: str = Field(description='What it is for, as "<app>.<model>:<id>"')
    what: str = Field(description="What it is for, in the reader's language")
    url: str = Field(description="The page of what it is for; empty when it cannot be shown")
    reason: str = Field(description="Why, in the reader's language")
    created_at: datetime
    revokes: int | None = Field(description="The entry a revocation revokes")
    restores: int | None = Field(description="The revocation a restoration undoes")

    @staticmethod
    def from_line(line: Line) -> "EntryOut":
        entry = line.entry
        return EntryOut(
            id=entry.pk,
            municipality=entry.municipality.slug,
            action=entry.action,
            kind=entry.kind,
            points=entry.points,
            subject=entry.subject,
            what=line.what,
            url=line.url,
            reason=line.reason,
            created_at=entry.created_at,
            revokes=entry.revokes_id,
            restores=entry.restores_id,
        )


class EarnedOut(Schema):
    code: str
    name: str
    how_earned: str
    earned_at: datetime
    url: str
    earned_by: list[EntryOut] = Field(description="The entries that earned it")


class MyBadgesOut(Schema):
    municipality: str
    municipality_name: str
    points: int
    badges: list[EarnedOut]


class Standings(Sequence[MyBadgesOut]):
    """The caller's standings, one per municipality where they have entries, as a sequence the
    paginator slices: a page costs a fixed number of queries (`selectors.standings_of`, then the
    words of the entries that earned the badges)."""

    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def _municipalities(self) -> list[Municipality]:
        return list(places_of(self.user))

    def __len__(self) -> int:
        return len(self._municipalities)

    @overload
    def __getitem__(self, index: int) -> MyBadgesOut: ...
    @overload
    def __getitem__(self, index: slice) -> list[MyBadgesOut]: ...
    def __getitem__(self, index: int | slice) -> MyBadgesOut | list[MyBadgesOut]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        standings = standings_of(self.user, self._municipalities[index])
        lines = {
            line.entry.pk: line for line in lines_of([e for s in standings for b in s.earned for e in b.by])
        }
        return [self._out(standing, lines) for standing in standings]

    @staticmethod
    def _out(standing: Standing, lines: dict[int, Line]) -> MyBadgesOut:
        municipality = standing.municipality
        return MyBadgesOut(
            municipality=municipality.slug,
            municipality_name=municipality.title,
            points=standing.points,
            badges=[
                EarnedOut(
                    code=earned.badge.code,
                    name=earned.badge.title,
                    how_earned=how_earned(earned.badge),
                    earned_at=earned.at,
                    url=reverse("recognition:badge", args=[municipality.slug, earned.badge.code]),
                    earned_by=[EntryOut.from_line(lines[e.pk]) for e in earned.by],
                )
                for earned in standing.earned
            ],
        )


class PointsFilters(Schema):
    municipality: str | None = Field(
        default=None, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$", description="A municipality's slug"
    )


class Lines(Sequence[EntryOut]):
    """The caller's ledger lines, newest first, in words: a page is one query for the entries and one
    per kind of subject on it."""

    def __init__(self, user: User, municipality: Municipality | None) -> None:
        self.entries = entries_of(user, municipality)

    @cached_property
    def _count(self) -> int:
        counted: int = self.entries.count()
        return counted

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> EntryOut: ...
    @overload
    def __getitem__(self, index: slice) -> list[EntryOut]: ...
    def __getitem__(self, index: int | slice) -> EntryOut | list[EntryOut]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return [EntryOut.from_line(line) for line in lines_of(list(self.entries[index]))]


@router.get("/municipalities/{slug}/badges", response={200: list[BadgeOut], **ERRORS})
@paginate(ListPagination)
def municipality_badges(request: HttpRequest, slug: str) -> Any:
    """The municipality's active badges: each with how it is earned, in words made from its rule."""
    municipality = access_municipality(request.user, slug)
    rules_ready(municipality)
    return badge_rules(municipality).select_related("municipality")


@router.get("/me/badges", response={200: list[MyBadgesOut], **ERRORS}, auth=AUTH)
@paginate(ListPagination)
def my_badges(request: HttpRequest) -> Any:
    """Your points and badges in each municipality where you have any, with when each badge was earned
    and the entries that earned it."""
    return Standings(signed_in(request))


@router.get("/me/points", response={200: list[EntryOut], **ERRORS}, auth=AUTH)
@paginate(ListPagination)
def my_points(request: HttpRequest, filters: Query[PointsFilters]) -> Any:
    """Every line of your ledger of points, newest first: awards, revocations when a moderator hid
    what earned them, restorations; each with what it is for and why."""
    municipality = None
    if filters.municipality is not None:
        municipality = access_municipality(request.user, filters.municipality)
    return Lines(signed_in(request), municipality)
