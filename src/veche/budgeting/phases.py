"""The phases of a budgeting process as data: what each opens, and the steps an admin may take.

Residents submit proposals in the proposals phase and vote in the voting phase, with the tier
the process asks for; the other phases are the staff's (review, counting) or for reading.
"""

from veche.access.predicates import Feature
from veche.access.predicates import Phase as Step
from veche.access.roles import Tier
from veche.budgeting.models import Phase, Process

FEATURES: dict[str, frozenset[Feature]] = {
    Phase.DRAFT: frozenset(),
    Phase.PROPOSALS: frozenset({Feature.SUBMIT}),
    Phase.REVIEW: frozenset(),
    Phase.VOTING: frozenset({Feature.VOTE}),
    Phase.COUNTING: frozenset(),
    Phase.RESULTS: frozenset(),
    Phase.IMPLEMENTATION: frozenset(),
}

# Phase -> the phases an admin may move the process to. Forward one step at a time; review may
# go back to proposals (to collect more), and published results back to counting (a recount).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Phase.DRAFT: (Phase.PROPOSALS,),
    Phase.PROPOSALS: (Phase.REVIEW,),
    Phase.REVIEW: (Phase.VOTING, Phase.PROPOSALS),
    Phase.VOTING: (Phase.COUNTING,),
    Phase.COUNTING: (Phase.RESULTS,),
    Phase.RESULTS: (Phase.IMPLEMENTATION, Phase.COUNTING),
    Phase.IMPLEMENTATION: (),
}

# The order of the phases, to show a process's progress.
ORDER: tuple[str, ...] = tuple(Phase.values)

# Proposals are reviewed, ballots counted and paper ballots imported only in these phases.
REVIEWING = frozenset({Phase.REVIEW})
COUNTING = frozenset({Phase.COUNTING})
PAPER_BALLOTS = frozenset({Phase.VOTING, Phase.COUNTING})
# The process's settings and budgets can change until proposals are reviewed.
SETTING_UP = frozenset({Phase.DRAFT, Phase.PROPOSALS, Phase.REVIEW})
# Results are public from these phases on.
PUBLISHED = frozenset({Phase.RESULTS, Phase.IMPLEMENTATION})


def step_of(process: Process) -> Step:
    """The access predicate's view of the phase `process` is in, with the tier the process asks."""
    return Step(name=process.phase, features=FEATURES[process.phase], tier=Tier(process.tier))


def next_phases(process: Process) -> tuple[str, ...]:
    return TRANSITIONS[process.phase]
