"""The steps of an appeal as data: what each status opens, and the identity tier each feature needs.

Publishing needs a confirmed account; signing needs residence verified in the municipality.
"""

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.appeals.models import Appeal, Status

PUBLISHING = Phase(name="publishing", features=frozenset({Feature.SUBMIT}), tier=Tier.REGISTERED)

_SIGNING = frozenset({Feature.SUPPORT, Feature.COMMENT, Feature.FLAG})
_VERIFIED_SIGN = ((Feature.SUPPORT, Tier.VERIFIED),)

COLLECTING = Phase(name="collecting", features=_SIGNING, tiers=_VERIFIED_SIGN)
# Signing goes on while the answer is awaited: more signatures still say how many disagree.
AWAITING_ANSWER = Phase(name="awaiting_answer", features=_SIGNING, tiers=_VERIFIED_SIGN)
ANSWERED = Phase(name="answered", features=frozenset({Feature.COMMENT, Feature.FLAG}))
CLOSED = Phase(name="closed", features=frozenset({Feature.FLAG}))
HIDDEN = Phase(name="hidden", features=frozenset())

PHASES: dict[str, Phase] = {
    Status.PUBLISHED: COLLECTING,
    Status.THRESHOLD_REACHED: AWAITING_ANSWER,
    Status.ANSWERED: ANSWERED,
    Status.CLOSED: CLOSED,
}


def phase_of(appeal: Appeal) -> Phase:
    """The step `appeal` is in; a hidden appeal opens nothing until a moderator restores it."""
    return HIDDEN if appeal.is_hidden else PHASES[appeal.status]
