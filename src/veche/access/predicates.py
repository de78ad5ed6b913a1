"""What a participation step allows is data: a phase lists its features and the tier it needs.

One predicate, `allows`, checks phase × tier for every app (staff roles are in `roles`).
Later apps (initiatives, polls, budgeting, crowd projects) declare their phases with `Phase`
and call `allows`.
"""

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from veche.access.roles import Person, Tier, tier_of
from veche.municipalities.models import District, Municipality


class Feature(StrEnum):
    SUBMIT = "submit"
    COMMENT = "comment"
    SUPPORT = "support"
    VOTE = "vote"
    FLAG = "flag"
    # Model 1's crowd projects: rate ideas 1-5, propose amendments to a text, pledge money towards an
    # idea, register for a meeting, report on an implementation.
    RATE = "rate"
    AMEND = "amend"
    PLEDGE = "pledge"
    REGISTER = "register"
    MONITOR = "monitor"
    # Opinion mapping: answer statements agree / disagree / pass and add statements.
    DELIBERATE = "deliberate"


@dataclass(frozen=True)
class Phase:
    """A step of a process: which features are open in it and the tier each needs."""

    name: str
    features: frozenset[Feature]
    tier: Tier = Tier.REGISTERED
    tiers: tuple[tuple[Feature, Tier], ...] = ()
    # Why what is not open here is closed, when "not open at this stage" says too little.
    closed_reason: str | Promise | None = None

    def tier_for(self, feature: Feature) -> Tier:
        return dict(self.tiers).get(feature, self.tier)


# Outside any process: anyone registered may comment and flag.
OPEN_DISCUSSION = Phase(name="open", features=frozenset({Feature.COMMENT, Feature.FLAG}))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    # Refused because the step is closed to everyone, not for lack of an account or a tier: a page
    # then says why, and invites no one to log in or to write first.
    closed: bool = False

    def __bool__(self) -> bool:
        return self.allowed


TIER_REASONS = {
    Tier.REGISTERED: _("Log in with a confirmed e-mail address to do this."),
    Tier.VERIFIED: _("Only verified residents of this municipality can do this."),
}


def allows(
    user: Person,
    municipality: Municipality,
    feature: Feature,
    phase: Phase = OPEN_DISCUSSION,
) -> Decision:
    """Whether `user` may use `feature` in `phase` of a process in `municipality`."""
    if feature not in phase.features:
        return Decision(False, str(phase.closed_reason or _("This is not open at this stage.")), closed=True)
    needed = phase.tier_for(feature)
    if tier_of(user, municipality) < needed:
        return Decision(False, str(TIER_REASONS[needed]))
    return Decision(True)


def admits_district(scope: Collection[int], district: District | None) -> bool:
    """Whether something open to the districts `scope` (ids; none means the whole municipality)
    admits a resident verified in `district`."""
    return not scope or (district is not None and district.pk in scope)
