"""Reads of recognition: a municipality's rules, a person's points and badges with what earned them,
the public board, and ledger lines in words.

Badges are computed here, when read, from the ledger and the rules (docs/architecture.md,
"Recognition"): a badge is earned when the person's live entries (awards and restorations not revoked)
meet its rule, at the moment the last of them needed was recorded, and "by" those entries. Every read
costs a fixed number of queries, whatever the number of entries or badges: the entries of the people
and municipalities asked about in one query, the badge rules in one, each series a condition needs
(polls of a year) in one, and the subjects' words in one per kind of subject.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from veche.accounts.models import User
from veche.ledger.subjects import describe
from veche.municipalities.models import Municipality
from veche.municipalities.zones import zone_of
from veche.notifications.messages import render
from veche.recognition.conditions import MEANINGS
from veche.recognition.models import POINTED, Action, BadgeRule, BoardConsent, Kind, PointEntry, PointRule
from veche.recognition.registry import series_of
from veche.recognition.services import recognition_rules_ensure

# What a ledger line is for, with its subject's title.
WHAT: dict[str, StrOrPromise] = {
    Action.REPORT_FIXED: _("Report “{}”"),
    Action.IDEA_SELECTED: _("Idea “{}”"),
    Action.AMENDMENT_ACCEPTED: _("Amendment to “{}”"),
    Action.VOTE_CAST: _("Vote: “{}”"),
    Action.MONITORING_REPORT: _("Monitoring report on “{}”"),
    Action.PROJECT_COFINANCED: _("Co-financing of “{}”"),
}


# Rules.


def point_rules_of(municipality: Municipality) -> list[PointRule]:
    """The municipality's point rules, in the order of the actions (made with the defaults the first
    time)."""
    rules = {rule.action: rule for rule in PointRule.objects.filter(municipality=municipality)}
    if not rules:
        recognition_rules_ensure(municipality=municipality)
        rules = {rule.action: rule for rule in PointRule.objects.filter(municipality=municipality)}
    return [rules[action] for action in POINTED if action in rules]


def badge_rules(municipality: Municipality, *, active_only: bool = True) -> QuerySet[BadgeRule]:
    """The municipality's badges in the order they were made; call `rules_ready` first on a page that
    may be the municipality's first."""
    badges = BadgeRule.objects.filter(municipality=municipality).order_by("pk")
    return badges.filter(active=True) if active_only else badges


def rules_ready(municipality: Municipality) -> None:
    """Make the municipality's rules with the defaults if it has none yet (one read otherwise)."""
    recognition_rules_ensure(municipality=municipality)


# Badges, computed from the ledger.


@dataclass(frozen=True)
class Earned:
    """A badge a person holds: since when, and the entries that earned it."""

    badge: BadgeRule
    at: datetime
    by: tuple[PointEntry, ...]


@dataclass(frozen=True)
class Progress:
    """A badge not earned yet, and how far the person is: `done` of its threshold."""

    badge: BadgeRule
    done: int


@dataclass(frozen=True)
class Standing:
    """A person's points and badges in one municipality."""

    municipality: Municipality
    points: int
    earned: tuple[Earned, ...]
    progress: tuple[Progress, ...]
    entries: tuple[PointEntry, ...]  # every line, oldest first


def live(entries: Iterable[PointEntry]) -> list[PointEntry]:
    """The awards and restorations of `entries` that no revocation in them undoes, oldest first."""
    listed = sorted(entries, key=lambda e: (e.created_at, e.pk))
    revoked = {e.revokes_id for e in listed if e.kind == Kind.REVOCATION}
    return [e for e in listed if e.kind != Kind.REVOCATION and e.pk not in revoked]


Years = dict[int, dict[int, frozenset[str]]]


def _judge(
    badge: BadgeRule, alive: dict[str, list[PointEntry]], years: dict[str, Years], zone: ZoneInfo
) -> Earned | Progress:
    meaning = MEANINGS[badge.condition]
    n = badge.threshold
    if meaning.counts is not None:
        counted = alive.get(meaning.counts, [])
        if len(counted) >= n:
            return Earned(badge, counted[n - 1].created_at, tuple(counted[:n]))
        return Progress(badge, len(counted))
    series = series_of(badge.condition)
    if series is None:
        return Progress(badge, 0)
    action, _things = series
    held = {e.subject: e for e in alive.get(action, [])}
    of_years = years.get(badge.condition, {}).get(badge.municipality_id, {})
    complete = sorted(year for year, wanted in of_years.items() if wanted and wanted <= held.keys())
    if len(complete) < n:
        return Progress(badge, len(complete))
    by = sorted(
        (held[subject] for year in complete[:n] for subject in of_years[year]),
        key=lambda e: (e.created_at, e.pk),
    )
    # A year is complete only once it is over: the badge is earned at the turn of the year.
    return Earned(badge, datetime(complete[n - 1] + 1, 1, 1, tzinfo=zone), tuple(by))


def _series_for(
    badges: Iterable[BadgeRule], municipalities: Sequence[Municipality], now: datetime
) -> dict[str, Years]:
    """The series the `badges`' conditions need, each read once for all the `municipalities`."""
    found: dict[str, Years] = {}
    for condition in sorted({b.condition for b in badges if MEANINGS[b.condition].counts is None}):
        series = series_of(condition)
        if series is not None:
            found[condition] = series[1](municipalities, now)
    return found


def _standings(
    entries: Iterable[PointEntry],
    badges: Sequence[BadgeRule],
    municipalities: Sequence[Municipality],
    now: datetime,
) -> dict[tuple[int, int], Standing]:
    """(user id, municipality id) -> Standing, for every pair that has entries."""
    places = {m.pk: m for m in municipalities}
    by_pair: dict[tuple[int, int], list[PointEntry]] = defaultdict(list)
    for entry in entries:
        entry.municipality = places[entry.municipality_id]  # read once for all: lines tell its clock
        by_pair[(entry.user_id, entry.municipality_id)].append(entry)
    by_municipality: dict[int, list[BadgeRule]] = defaultdict(list)
    for badge in badges:
        by_municipality[badge.municipality_id].append(badge)
    years = _series_for(badges, municipalities, now)
    standings = {}
    for (user_id, municipality_id), listed in by_pair.items():
        municipality = places[municipality_id]
        alive: dict[str, list[PointEntry]] = defaultdict(list)
        for entry in live(listed):
            alive[entry.action].append(entry)
        judged = [_judge(b, alive, years, zone_of(municipality)) for b in by_municipality[municipality_id]]
        standings[(user_id, municipality_id)] = Standing(
            municipality=municipality,
            points=sum(e.points for e in listed),
            earned=tuple(j for j in judged if isinstance(j, Earned)),
            progress=tuple(j for j in judged if isinstance(j, Progress)),
            entries=tuple(sorted(listed, key=lambda e: (e.created_at, e.pk))),
        )
    return standings


def standings_of(user: User, municipalities: Sequence[Municipality] | None = None) -> list[Standing]:
    """`user`'s points and badges in each municipality where they have entries (of `municipalities`,
    when given; else of the active ones), in the order of the municipalities' names."""
    if municipalities is None:
        municipalities = list(places_of(user))
    entries = PointEntry.objects.filter(user=user, municipality__in=municipalities).order_by()
    if not municipalities:
        return []
    badges = list(BadgeRule.objects.filter(municipality__in=municipalities, active=True).order_by("pk"))
    standings = _standings(entries, badges, municipalities, timezone.now())
    return [standings[(user.pk, m.pk)] for m in municipalities if (user.pk, m.pk) in standings]


def places_of(user: User) -> QuerySet[Municipality]:
    """The active municipalities where `user` has entries, in the order of their names."""
    entries = PointEntry.objects.filter(user=user).order_by().values("municipality_id")
    return Municipality.objects.filter(pk__in=entries, is_active=True)


def standing_in(user: Any, municipality: Municipality) -> Standing | None:
    """The signed-in person's standing in one municipality; None for a visitor or without entries."""
    if not getattr(user, "is_authenticated", False):
        return None
    found = standings_of(user, [municipality])
    return found[0] if found else None


def held_by(standing: Standing | None, badge: BadgeRule) -> Earned | Progress | None:
    """What `standing` says of `badge`: earned, or how far."""
    if standing is None:
        return None
    judged: list[Earned | Progress] = [*standing.earned, *standing.progress]
    for one in judged:
        if one.badge.pk == badge.pk:
            return one
    return None


# The public board.


@dataclass(frozen=True)
class BoardRow:
    """One person on the board: their public name only, their points and their badges."""

    name: str
    points: int
    earned: tuple[Earned, ...]


def board_rows(municipality: Municipality) -> QuerySet[PointEntry, dict[str, Any]]:
    """The people who consented to the municipality's board and have entries in it, most points
    first, as rows {user_id, points} to page."""
    consented = BoardConsent.objects.filter(municipality=municipality).values("user_id")
    return (
        PointEntry.objects.filter(
            municipality=municipality, user_id__in=consented, user__deleted_at__isnull=True
        )
        .values("user_id")
        .annotate(total=Sum("points"))
        .order_by("-total", "user_id")
    )


def board_of(
    municipality: Municipality, rows: Iterable[dict[str, Any]], badges: Sequence[BadgeRule]
) -> list[BoardRow]:
    """The board's rows of one page, in their order, with each person's badges."""
    ids = [row["user_id"] for row in rows]
    if not ids:
        return []
    people = User.objects.only("username", "display_name", "deleted_at").in_bulk(ids)
    entries = PointEntry.objects.filter(municipality=municipality, user_id__in=ids).order_by()
    standings = _standings(entries, badges, [municipality], timezone.now())
    return [
        BoardRow(
            name=people[pk].public_name,
            points=standings[(pk, municipality.pk)].points,
            earned=standings[(pk, municipality.pk)].earned,
        )
        for pk in ids
    ]


def consents_to_board(user: Any, municipality: Municipality) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and BoardConsent.objects.filter(user=user, municipality=municipality).exists()
    )


def boards_consented(user: User) -> set[int]:
    """The municipalities whose boards `user` consented to appear on."""
    return set(BoardConsent.objects.filter(user=user).values_list("municipality_id", flat=True))


# The ledger in words.


@dataclass(frozen=True)
class Line:
    """One ledger line in words: what it is for (and its page), why, and the clock it is told by."""

    entry: PointEntry
    what: str
    url: str
    reason: str
    zone: ZoneInfo


def lines_of(entries: Sequence[PointEntry]) -> list[Line]:
    """`entries` (with their municipality) in words: one query per kind of subject among them."""
    subjects = describe({entry.subject for entry in entries})
    lines = []
    for entry in entries:
        subject = subjects[entry.subject]
        if subject.title:
            what = str(WHAT[entry.action]).format(subject.title)
        else:
            what = str(Action(entry.action).label).capitalize()
        lines.append(
            Line(
                entry=entry,
                what=what,
                url=subject.url,
                reason=render(entry.reason) if entry.reason else "",
                zone=zone_of(entry.municipality),
            )
        )
    return lines


def entries_of(user: User, municipality: Municipality | None = None) -> QuerySet[PointEntry]:
    """`user`'s ledger lines, newest first (in one municipality when given), with their municipality."""
    entries = (
        PointEntry.objects.filter(user=user).select_related("municipality").order_by("-created_at", "-pk")
    )
    return entries.filter(municipality=municipality) if municipality is not None else entries
