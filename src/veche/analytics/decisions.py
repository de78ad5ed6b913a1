"""The decisions made on the platform in a municipality in a period, read from the participation
apps' own (small) tables: the roll-ups count what residents do, these are what came of it.

A decision is one of:
- `initiative`: an initiative whose option residents chose in the vote (adopted: binding), or one
  the municipality rejected in its answer (not binding);
- `poll`: an official poll that closed with votes and published its result (consultative: not
  binding). A poll made for an initiative is not counted twice: its initiative is the decision;
- `budget`: a participatory budgeting process whose results are published: its budgets' newest
  tallies (binding when residents' ballots were counted; the money is the budgets' amounts, the
  money residents decided is the cost of the projects the count funded);
- `crowd`: a crowd project whose selection was published (binding when residents voted on the
  ideas before it; the money is the targets of the co-financing campaigns of its taken-up ideas
  that reached them).

A decision belongs to the period when it was made by the municipality's own calendar (its time
zone), as the roll-ups' months are. Everything is read for all the municipalities asked together,
in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django.db.models import Count, F, Min, Q, Sum
from django.urls import reverse

from veche.analytics.periods import Period
from veche.budgeting.models import ProcessPhase, Tally
from veche.crowdprojects.models import (
    CrowdBallot,
    Idea,
    IdeaStatus,
    Milestone,
    MilestoneUpdate,
    MonitoringReport,
    Selection,
    Stage,
    StageKind,
)
from veche.funding.models import Campaign, CampaignStatus
from veche.initiatives.models import CHOSEN, Initiative
from veche.initiatives.models import Status as InitiativeStatus
from veche.municipalities.models import Municipality
from veche.municipalities.zones import zone_of
from veche.polls.models import Poll

INITIATIVE, POLL, BUDGET, CROWD = "initiative", "poll", "budget", "crowd"
KINDS = (INITIATIVE, POLL, BUDGET, CROWD)
# The stages between the ideas and the vote in which residents weigh the ideas.
WEIGHING = (StageKind.DISCUSSION, StageKind.ASSESSMENT, StageKind.DELIBERATION)


@dataclass(frozen=True)
class Decision:
    municipality_id: int
    kind: str
    id: int
    when: datetime
    title: str
    link: str  # the absolute path of its public page
    binding: bool  # residents' choice decided it
    money: int | None  # whole roubles the decision concerned; None when it concerned no money
    money_by_residents: int  # of `money`, what residents' binding choice allocated (0 otherwise)

    def as_evidence(self) -> dict[str, object]:
        """JSON-ready and unlocalised, as the classification's evidence lists it."""
        return {
            "id": self.id,
            "title": self.title,
            "link": self.link,
            "when": self.when.isoformat(),
            "binding": self.binding,
            "money": self.money,
            "money_by_residents": self.money_by_residents,
        }


@dataclass(frozen=True)
class CrowdCycle:
    """How far one crowd project went through the full cycle (model 1), and when each step was."""

    municipality_id: int
    id: int
    title: str
    link: str
    ideas: int
    weighing_stages: list[str]  # kinds of its discussion, assessment or deliberation stages
    ballots: int
    selected: int  # ideas taken up in the published selection
    selected_at: datetime
    tracked_at: datetime | None  # the first milestone, milestone update or monitoring report after it
    stages: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(
            self.ideas and self.weighing_stages and self.ballots and self.selected and self.tracked_at
        )

    def as_evidence(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "link": self.link,
            "stages": self.stages,
            "ideas": self.ideas,
            "ballots": self.ballots,
            "selected": self.selected,
            "selected_at": self.selected_at.isoformat(),
            "tracked_at": self.tracked_at.isoformat() if self.tracked_at else None,
        }


class Window:
    """Each municipality's period as moments: its local midnights of the first days."""

    def __init__(self, municipalities: Iterable[Municipality], period: Period) -> None:
        self.bounds: dict[int, tuple[datetime, datetime]] = {}
        for municipality in municipalities:
            zone = zone_of(municipality)
            self.bounds[municipality.pk] = (
                datetime.combine(period.start, time.min, tzinfo=zone),
                datetime.combine(period.end, time.min, tzinfo=zone),
            )
        self.ids = list(self.bounds)
        # The widest moments any municipality's period spans: the database filters by these, then
        # `holds` by each municipality's own.
        self.start = min((b[0] for b in self.bounds.values()), default=None)
        self.end = max((b[1] for b in self.bounds.values()), default=None)

    def holds(self, municipality_id: int, moment: datetime | None) -> bool:
        if moment is None or municipality_id not in self.bounds:
            return False
        start, end = self.bounds[municipality_id]
        return start <= moment < end

    def q(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.start, f"{path}__lt": self.end})


def _slugs(window: Window) -> dict[int, str]:
    return dict(Municipality.objects.filter(pk__in=window.ids).values_list("pk", "slug"))


def _initiatives(window: Window, slugs: dict[int, str]) -> list[Decision]:
    rows = Initiative.objects.filter(
        Q(status__in=CHOSEN) & window.q("decided_at")
        | Q(status=InitiativeStatus.REJECTED) & window.q("answered_at"),
        municipality_id__in=window.ids,
        hidden_at__isnull=True,
    ).values_list("pk", "municipality_id", "title", "status", "decided_at", "answered_at")
    out = []
    for pk, mid, title, status, decided_at, answered_at in rows:
        adopted = status in CHOSEN
        when = decided_at if adopted else answered_at
        if when is not None and window.holds(mid, when):
            link = reverse("initiatives:detail", args=[slugs[mid], pk])
            out.append(Decision(mid, INITIATIVE, pk, when, title, link, adopted, None, 0))
    return out


def _polls(window: Window, slugs: dict[int, str], now: datetime) -> list[Decision]:
    rows = (
        Poll.objects.filter(
            Q(closed_at__isnull=False) & window.q("closed_at")
            | Q(closed_at__isnull=True) & window.q("closes_at"),
            municipality_id__in=window.ids,
            published_at__isnull=False,
            origin_type__isnull=True,
            votes_count__gt=0,
        )
        .values_list("pk", "municipality_id", "title", "closed_at", "closes_at")
        .order_by()
    )
    out = []
    for pk, mid, title, closed_at, closes_at in rows:
        when = closed_at or closes_at
        if when <= now and window.holds(mid, when):
            link = reverse("polls:detail", args=[slugs[mid], pk])
            out.append(Decision(mid, POLL, pk, when, title, link, False, None, 0))
    return out


def _budgets(window: Window, slugs: dict[int, str]) -> list[Decision]:
    """Each published process once, from its budgets' newest tallies (a recount replaces a count)."""
    rows = (
        Tally.objects.filter(
            process__municipality_id__in=window.ids,
            process__phase__in=[ProcessPhase.RESULTS, ProcessPhase.IMPLEMENTATION],
            counted_at__lt=window.end,
        )
        .order_by("budget_id", "-counted_at", "-id")
        .values_list(
            "budget_id",
            "process_id",
            "process__municipality_id",
            "process__title",
            "counted_at",
            "voters",
            "total_cost",
            "budget__amount",
        )
    )
    newest: dict[int, tuple[Any, ...]] = {}
    for row in rows:
        newest.setdefault(row[0], row)
    processes: dict[int, dict[str, Any]] = {}
    for _budget, process_id, mid, title, counted_at, voters, total_cost, amount in newest.values():
        p = processes.setdefault(
            process_id,
            {"mid": mid, "title": title, "when": counted_at, "money": 0, "by_residents": 0, "voters": 0},
        )
        p["when"] = max(p["when"], counted_at)
        p["money"] += amount
        p["voters"] += voters
        if voters:
            p["by_residents"] += total_cost
    out = []
    for pk, p in processes.items():
        if window.holds(p["mid"], p["when"]):
            link = reverse("budgeting:process", args=[slugs[p["mid"]], pk])
            binding = p["voters"] > 0
            out.append(
                Decision(
                    p["mid"], BUDGET, pk, p["when"], p["title"], link, binding, p["money"], p["by_residents"]
                )
            )
    return out


def crowd_cycles(window: Window, slugs: dict[int, str] | None = None) -> list[CrowdCycle]:
    """Every crowd project with a selection published before the period's end, with its steps."""
    slugs = slugs if slugs is not None else _slugs(window)
    found = list(
        Selection.objects.filter(
            project__municipality_id__in=window.ids, published_at__lt=window.end
        ).values_list("project_id", "published_at", "project__municipality_id", "project__title")
    )
    if not found:
        return []
    selections = {project_id: published_at for project_id, published_at, _mid, _title in found}
    ideas = {
        row["project_id"]: row
        for row in Idea.objects.filter(project_id__in=selections, hidden_at__isnull=True)
        .values("project_id")
        .annotate(n=Count("pk"), selected=Count("pk", filter=Q(status=IdeaStatus.SELECTED)))
        .order_by()
    }
    stages: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for project_id, kind, starts_at in Stage.objects.filter(project_id__in=selections).values_list(
        "project_id", "kind", "starts_at"
    ):
        stages[project_id].append((kind, starts_at))
    ballots = dict(
        CrowdBallot.objects.filter(project_id__in=selections)
        .values("project_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("project_id", "n")
    )
    tracked: dict[int, datetime] = {}
    after = "idea__project__selection__published_at"
    for model, path, moment in (
        (Milestone, "idea__project_id", "created_at"),
        (MilestoneUpdate, "milestone__idea__project_id", "created_at"),
        (MonitoringReport, "idea__project_id", "created_at"),
    ):
        prefix = "milestone__" if model is MilestoneUpdate else ""
        qs = model.objects.filter(
            **{f"{path}__in": list(selections), f"{moment}__gte": F(prefix + after)},
            **({"hidden_at__isnull": True} if model is MonitoringReport else {}),
            **{f"{prefix}idea__status": IdeaStatus.SELECTED},
        )
        for project_id, first in (
            qs.values(path).annotate(first=Min(moment)).order_by().values_list(path, "first")
        ):
            if first is not None and (project_id not in tracked or first < tracked[project_id]):
                tracked[project_id] = first
    out = []
    for project_id, _published_at, mid, title in found:
        selected_at = selections[project_id]
        kinds = [kind for kind, starts_at in sorted(stages[project_id], key=lambda s: s[1])]
        weighing = [
            kind for kind, starts_at in stages[project_id] if kind in WEIGHING and starts_at < selected_at
        ]
        counts = ideas.get(project_id, {"n": 0, "selected": 0})
        out.append(
            CrowdCycle(
                municipality_id=mid,
                id=project_id,
                title=title,
                link=reverse("crowdprojects:detail", args=[slugs[mid], project_id]),
                ideas=counts["n"],
                weighing_stages=weighing,
                ballots=ballots.get(project_id, 0),
                selected=counts["selected"],
                selected_at=selected_at,
                tracked_at=tracked.get(project_id),
                stages=kinds,
            )
        )
    return out


def _crowd(window: Window, cycles: Sequence[CrowdCycle]) -> list[Decision]:
    chosen = [c for c in cycles if window.holds(c.municipality_id, c.selected_at)]
    money = (
        dict(
            Campaign.objects.filter(
                idea__project_id__in=[c.id for c in chosen],
                idea__status=IdeaStatus.SELECTED,
                status=CampaignStatus.SUCCEEDED,
            )
            .values("idea__project_id")
            .annotate(total=Sum("target_amount"))
            .order_by()
            .values_list("idea__project_id", "total")
        )
        if chosen
        else {}
    )
    out = []
    for c in chosen:
        binding = c.ballots > 0
        amount = money.get(c.id)
        out.append(
            Decision(
                c.municipality_id,
                CROWD,
                c.id,
                c.selected_at,
                c.title,
                c.link,
                binding,
                amount,
                amount if (binding and amount) else 0,
            )
        )
    return out


@dataclass
class Made:
    """What was decided in each municipality: its decisions and its crowd projects' cycles."""

    decisions: dict[int, list[Decision]]
    cycles: dict[int, list[CrowdCycle]]


def decided(municipalities: Sequence[Municipality], period: Period, *, now: datetime) -> Made:
    """The decisions of `municipalities` in `period` (each by its own calendar), oldest first, and
    the crowd projects whose full cycle completed in it (its first tracking after the selection in
    the period)."""
    window = Window(municipalities, period)
    made = Made(decisions={m.pk: [] for m in municipalities}, cycles={m.pk: [] for m in municipalities})
    if not window.ids:
        return made
    slugs = {m.pk: m.slug for m in municipalities}
    cycles = crowd_cycles(window, slugs)
    found = [
        *_initiatives(window, slugs),
        *_polls(window, slugs, now),
        *_budgets(window, slugs),
        *_crowd(window, cycles),
    ]
    for decision in sorted(found, key=lambda d: (d.when, d.kind, d.id)):
        made.decisions[decision.municipality_id].append(decision)
    for cycle in cycles:
        if cycle.complete and window.holds(cycle.municipality_id, cycle.tracked_at):
            made.cycles[cycle.municipality_id].append(cycle)
    return made


def decisions(municipality: Municipality, period: Period, *, now: datetime) -> list[Decision]:
    return decided([municipality], period, now=now).decisions[municipality.pk]
