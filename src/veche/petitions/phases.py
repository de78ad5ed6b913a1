"""The steps every petition goes through, as data: what each opens, and the tier each feature needs.

Endorsing needs residence verified in the municipality. Endorsing goes on while the answer is
awaited: more names still say how many want it. Each app maps its statuses to these (and to
steps of its own) with `petition_phases` in its phases.py.
"""

from collections.abc import Mapping
from typing import Any

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.petitions.models import Petition

_ENDORSING = frozenset({Feature.SUPPORT, Feature.COMMENT, Feature.FLAG})
_VERIFIED_ENDORSE = ((Feature.SUPPORT, Tier.VERIFIED),)

COLLECTING = Phase(name="collecting", features=_ENDORSING, tiers=_VERIFIED_ENDORSE)
AWAITING_ANSWER = Phase(name="awaiting_answer", features=_ENDORSING, tiers=_VERIFIED_ENDORSE)
ANSWERED = Phase(name="answered", features=frozenset({Feature.COMMENT, Feature.FLAG}))
# Closed by its author, or archived short of its threshold: only flagging stays open.
ENDED = Phase(name="ended", features=frozenset({Feature.FLAG}))
HIDDEN = Phase(name="hidden", features=frozenset())


def phase_in(phases: Mapping[str, Phase], petition: Any) -> Phase:
    """The step `petition` is in; a hidden one opens nothing until a moderator restores it."""
    return HIDDEN if petition.is_hidden else phases[petition.status]


def petition_phases(
    model: type[Petition], *, ended: str, own: Mapping[str, Phase] | None = None
) -> dict[str, Phase]:
    """The step of each status of `model`: COLLECTING while it collects, AWAITING_ANSWER once the
    threshold is reached, ANSWERED for every status that carries an answer, ENDED for `ended` (closed by
    its author, archived), and the app's `own` steps (an initiative's draft)."""
    return {
        model.COLLECTING: COLLECTING,
        model.AWAITING_ANSWER: AWAITING_ANSWER,
        **dict.fromkeys(model.ANSWERED, ANSWERED),
        ended: ENDED,
        **(own or {}),
    }
