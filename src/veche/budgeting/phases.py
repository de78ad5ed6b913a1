"""The phases of a budgeting process as data: what each opens, and the steps an admin may take.

Residents submit proposals in the proposals phase and vote in the voting phase, with the tier
the process asks for; the other phases are the staff's (review, counting) or for reading.
"""

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.budgeting.models import Process, ProcessPhase

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
