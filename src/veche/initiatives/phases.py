"""The steps of an initiative as data: what each status opens, and the identity tier each feature needs.

A draft needs a confirmed account; publishing it and supporting an initiative need residence
verified in the municipality (and, for a district's initiative, in that district: the service
checks the district, the phase the tier).
"""

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.initiatives.models import Initiative, Status

DRAFTING = Phase(name="drafting", features=frozenset({Feature.SUBMIT}), tier=Tier.REGISTERED)
PUBLISHING = Phase(name="publishing", features=frozenset({Feature.SUBMIT}), tier=Tier.VERIFIED)

_SUPPORTING = frozenset({Feature.SUPPORT, Feature.COMMENT, Feature.FLAG})
_VERIFIED_SUPPORT = ((Feature.SUPPORT, Tier.VERIFIED),)

COLLECTING = Phase(name="collecting", features=_SUPPORTING, tiers=_VERIFIED_SUPPORT)
# Support goes on while the answer is awaited, until the window ends: it still says how many want it.
AWAITING_ANSWER = Phase(name="awaiting_answer", features=_SUPPORTING, tiers=_VERIFIED_SUPPORT)
ANSWERED = Phase(name="answered", features=frozenset({Feature.COMMENT, Feature.FLAG}))
ARCHIVED = Phase(name="archived", features=frozenset({Feature.FLAG}))
# A draft is its author's alone; nothing is open on it but editing and publishing.
DRAFT = Phase(name="draft", features=frozenset())
HIDDEN = Phase(name="hidden", features=frozenset())

PHASES: dict[str, Phase] = {
    Status.DRAFT: DRAFT,
    Status.PUBLISHED: COLLECTING,
    Status.THRESHOLD_REACHED: AWAITING_ANSWER,
    Status.REJECTED: ANSWERED,
    Status.ACCEPTED: ANSWERED,
    Status.VOTING: ANSWERED,
    Status.DECIDED: ANSWERED,
    Status.IMPLEMENTED: ANSWERED,
    Status.ARCHIVED: ARCHIVED,
}


def phase_of(initiative: Initiative) -> Phase:
    """The step `initiative` is in; a hidden initiative opens nothing until a moderator restores it."""
    return HIDDEN if initiative.is_hidden else PHASES[initiative.status]
