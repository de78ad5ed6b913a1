"""What the residents' pages read about deliberations: the municipality's published ones with their
state and counts (the list, the home page), and one deliberation's counts and the caller's answers."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from veche.crowdprojects.models import Stage, StageKind
from veche.crowdprojects.stages import stage_at
from veche.deliberation.listing_selectors import deliberations_for, with_counts
from veche.deliberation.models import Deliberation, Participant, Statement, Vote, shown_q
from veche.municipalities.models import Municipality


@dataclass(frozen=True)
class Listed:
    """A deliberation on a list: open now (until when, None: no end set), or when it opens, or closed."""

    deliberation: Deliberation
    open: bool
    until: datetime | None
    opens: datetime | None


def _listed(deliberation: Deliberation, now: datetime) -> Listed:
    """`phases.deliberation_phase` read from what the list fetched already (the project's stages
    prefetched), so the list costs the same queries however many it shows; the page itself asks
    `deliberation_phase`."""
    project = deliberation.project
    if project is not None:
        stages = list(project.stages.all())
        stage = stage_at(stages, now)
        if project.published_at is not None and stage is not None and stage.kind == StageKind.DELIBERATION:
            return Listed(deliberation, True, stage.ends_at, None)
        coming = next((s for s in stages if s.kind == StageKind.DELIBERATION and s.starts_at > now), None)
        return Listed(deliberation, False, None, coming.starts_at if coming else None)
    if deliberation.open_at(now):
        return Listed(deliberation, True, deliberation.closes_at, None)
    opens = deliberation.opens_at if deliberation.opens_at and deliberation.opens_at > now else None
    return Listed(deliberation, False, None, opens)


def published_deliberations(*, municipality: Municipality, now: datetime) -> list[Listed]:
    """The municipality's published deliberations that everyone sees (standalone ones and those of
    published projects), open first (closing soonest first), then those to open, then the closed ones,
    newest first within each. Three queries whatever their number."""
    deliberations = deliberations_for(municipality=municipality).prefetch_related(
        Prefetch("project__stages", queryset=Stage.objects.order_by("position"))
    )
    rows = [_listed(d, now) for d in deliberations]

    def order(row: Listed) -> tuple[int, float]:
        if row.open:
            return (0, row.until.timestamp() if row.until else float("inf"))
        if row.opens is not None:
            return (1, row.opens.timestamp())
        return (2, -row.deliberation.created_at.timestamp())

    return sorted(rows, key=order)


def counts_of(deliberation: Deliberation) -> tuple[int, int]:
    """(participants, statements shown to voters) of one deliberation, in one query."""
    row = (
        with_counts(Deliberation.objects.filter(pk=deliberation.pk))
        .values("participants_count", "statements_count")  # type: ignore[misc]  # annotated by with_counts
        .get()
    )
    return int(row["participants_count"]), int(row["statements_count"])


def answers_of(participant: Participant | None) -> list[Vote]:
    """The participant's answers to the statements still shown, the latest first, with their statements."""
    if participant is None:
        return []
    return list(
        Vote.objects.filter(shown_q("statement__"), participant=participant)
        .select_related("statement")
        .order_by("-updated_at", "-pk")
    )


def statements_of(participant: Participant | None) -> list[Statement]:
    """The statements the participant wrote, the newest first, whatever became of them: their author
    sees each one's state (waiting for a moderator, shown, rejected with the reason, hidden)."""
    if participant is None:
        return []
    return list(Statement.objects.filter(participant=participant).order_by("-created_at", "-pk"))
