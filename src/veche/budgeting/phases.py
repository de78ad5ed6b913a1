"""The phases of a budgeting process as data: what each opens, and the steps an admin may take.

Residents submit proposals in the proposals phase and vote in the voting phase, with the tier
the process asks for; the other phases are the staff's (review, counting) or for reading.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.budgeting.models import Process, ProcessPhase
from veche.municipalities.models import Municipality
from veche.municipalities.zones import time_left

FEATURES: dict[str, frozenset[Feature]] = {
    ProcessPhase.DRAFT: frozenset(),
    ProcessPhase.PROPOSALS: frozenset({Feature.SUBMIT}),
    ProcessPhase.REVIEW: frozenset(),
    ProcessPhase.VOTING: frozenset({Feature.VOTE}),
    ProcessPhase.COUNTING: frozenset(),
    ProcessPhase.RESULTS: frozenset(),
    ProcessPhase.IMPLEMENTATION: frozenset(),
}

# A phase -> the phases an admin may move the process to. Forward one step at a time; review may
# go back to proposals (to collect more), and published results back to counting (a recount).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProcessPhase.DRAFT: (ProcessPhase.PROPOSALS,),
    ProcessPhase.PROPOSALS: (ProcessPhase.REVIEW,),
    ProcessPhase.REVIEW: (ProcessPhase.VOTING, ProcessPhase.PROPOSALS),
    ProcessPhase.VOTING: (ProcessPhase.COUNTING,),
    ProcessPhase.COUNTING: (ProcessPhase.RESULTS,),
    ProcessPhase.RESULTS: (ProcessPhase.IMPLEMENTATION, ProcessPhase.COUNTING),
    ProcessPhase.IMPLEMENTATION: (),
}

# The order of the phases, to show a process's progress.
ORDER: tuple[str, ...] = tuple(ProcessPhase.values)

# Proposals are reviewed, ballots counted and paper ballots imported only in these phases.
REVIEWING = frozenset({ProcessPhase.REVIEW})
COUNTING = frozenset({ProcessPhase.COUNTING})
PAPER_BALLOTS = frozenset({ProcessPhase.VOTING, ProcessPhase.COUNTING})
# The process's settings and budgets can change until proposals are reviewed.
SETTING_UP = frozenset({ProcessPhase.DRAFT, ProcessPhase.PROPOSALS, ProcessPhase.REVIEW})
# Results are public from these phases on.
PUBLISHED = frozenset({ProcessPhase.RESULTS, ProcessPhase.IMPLEMENTATION})


def step_of(process: Process) -> Phase:
    """The access predicate's view of the phase `process` is in, with the tier the process asks."""
    return Phase(name=process.phase, features=FEATURES[process.phase], tier=Tier(process.tier))


def next_phases(process: Process) -> tuple[str, ...]:
    return TRANSITIONS[process.phase]


# The timetable: the phases residents take part in or wait for, with the process's fields for when
# each opens and closes. Review has no dates of its own: it runs from the close of proposals to the
# opening of voting. Results are published on one day and stay.
SCHEDULED: tuple[tuple[str, str | None, str | None], ...] = (
    (ProcessPhase.PROPOSALS, "proposals_opens_at", "proposals_closes_at"),
    (ProcessPhase.REVIEW, "proposals_closes_at", "voting_opens_at"),
    (ProcessPhase.VOTING, "voting_opens_at", "voting_closes_at"),
    (ProcessPhase.RESULTS, "results_at", None),
)
# The dates an admin sets, in the order they must come.
DATE_FIELDS: tuple[str, ...] = (
    "proposals_opens_at",
    "proposals_closes_at",
    "voting_opens_at",
    "voting_closes_at",
    "results_at",
)


@dataclass(frozen=True)
class Window:
    """One phase of the timetable: when it opens and closes (None: not announced), whether the
    process is in it now, and for the current phase how long is left, in words."""

    phase: str
    label: str
    opens_at: datetime | None
    closes_at: datetime | None
    current: bool
    left: str


def timetable(process: Process, *, municipality: Municipality, now: datetime | None = None) -> list[Window]:
    """The announced dates of the process's phases, and the time left in the current one."""
    now = now or timezone.now()
    windows = []
    for phase, opens_field, closes_field in SCHEDULED:
        opens_at = getattr(process, opens_field) if opens_field else None
        closes_at = getattr(process, closes_field) if closes_field else None
        current = process.phase == phase
        left = time_left(closes_at, municipality=municipality, now=now) if current and closes_at else ""
        windows.append(Window(phase, str(ProcessPhase(phase).label), opens_at, closes_at, current, left))
    return windows


def headline(windows: list[Window], *, now: datetime | None = None) -> Window | None:
    """The date to show first: the close of the current phase, else the next opening announced."""
    now = now or timezone.now()
    current = next((w for w in windows if w.current), None)
    if current is not None and current.closes_at is not None and current.closes_at > now:
        return current
    return next((w for w in windows if w.opens_at is not None and w.opens_at > now and not w.current), None)
