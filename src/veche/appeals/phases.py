"""The steps of an appeal as data (`petitions.phases`): what each status opens.

Publishing needs a confirmed account; signing needs residence verified in the municipality.
"""

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.appeals.models import Appeal, Status
from veche.petitions.phases import ANSWERED, AWAITING_ANSWER, COLLECTING, ENDED, phase_in

PUBLISHING = Phase(name="publishing", features=frozenset({Feature.SUBMIT}), tier=Tier.REGISTERED)

PHASES: dict[str, Phase] = {
    Status.PUBLISHED: COLLECTING,
    Status.THRESHOLD_REACHED: AWAITING_ANSWER,
    Status.ANSWERED: ANSWERED,
    Status.CLOSED: ENDED,
}


def phase_of(appeal: Appeal) -> Phase:
    """The step `appeal` is in; a hidden appeal opens nothing until a moderator restores it."""
    return phase_in(PHASES, appeal)
