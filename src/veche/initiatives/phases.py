"""The steps of an initiative as data: what each status opens, and the identity tier each feature needs.

A draft needs a confirmed account; publishing it and supporting an initiative need residence
verified in the municipality (and, for a district's initiative, in that district: the service
checks the district, the phase the tier).
"""

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.initiatives.models import Initiative, Status
from veche.petitions.phases import petition_phases, phase_in

DRAFTING = Phase(name="drafting", features=frozenset({Feature.SUBMIT}), tier=Tier.REGISTERED)
PUBLISHING = Phase(name="publishing", features=frozenset({Feature.SUBMIT}), tier=Tier.VERIFIED)

# A draft is its author's alone; nothing is open on it but editing and publishing.
DRAFT = Phase(name="draft", features=frozenset())

# A draft; collecting, awaiting the answer; rejected or accepted (with the vote and what follows it),
# it is answered; archived short of its threshold, it has ended.
PHASES = petition_phases(Initiative, ended=Status.ARCHIVED, own={Status.DRAFT: DRAFT})


def phase_of(initiative: Initiative) -> Phase:
    """The step `initiative` is in; a hidden initiative opens nothing until a moderator restores it."""
    return phase_in(PHASES, initiative)
