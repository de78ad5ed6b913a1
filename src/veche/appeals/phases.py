"""The steps of an appeal as data (`petitions.phases`): what each status opens.

Publishing needs a confirmed account; signing needs residence verified in the municipality.
"""

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.appeals.models import Appeal, Status
from veche.petitions.phases import petition_phases, phase_in

PUBLISHING = Phase(name="publishing", features=frozenset({Feature.SUBMIT}), tier=Tier.REGISTERED)

# Collecting, awaiting the answer, answered; closed by its author, it has ended.
PHASES = petition_phases(Appeal, ended=Status.CLOSED)


def phase_of(appeal: Appeal) -> Phase:
    """The step `appeal` is in; a hidden appeal opens nothing until a moderator restores it."""
    return phase_in(PHASES, appeal)
