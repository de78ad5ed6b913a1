"""The report lifecycle as data: which action leads from which statuses to which, and who acts.

submitted → moderated → routed → in progress → resolved / rejected → closed, with a moderator's
decline at the start, reassignment between departments, and the author's confirmation or dispute
(a dispute reopens the report). Every status change writes one ReportEvent.
"""

from dataclasses import dataclass
from enum import StrEnum

from veche.reports.models import EventKind, Status


class Actor(StrEnum):
    MODERATOR = "moderator"
    OFFICIAL = "official"
    AUTHOR = "author"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    event: str
    actor: Actor
    needs_note: bool = False


def _t(
    sources: tuple[str, ...], target: str, event: str, actor: Actor, needs_note: bool = False
) -> Transition:
    return Transition(frozenset(sources), target, event, actor, needs_note)


TRANSITIONS: dict[str, Transition] = {
    "moderate": _t((Status.SUBMITTED,), Status.MODERATED, EventKind.MODERATED, Actor.MODERATOR),
    "decline": _t((Status.SUBMITTED,), Status.DECLINED, EventKind.DECLINED, Actor.MODERATOR, True),
    "route": _t((Status.MODERATED,), Status.ROUTED, EventKind.ROUTED, Actor.SYSTEM),
    "reassign": _t(
        (Status.ROUTED, Status.IN_PROGRESS), Status.ROUTED, EventKind.REASSIGNED, Actor.OFFICIAL, True
    ),
    "start": _t((Status.ROUTED,), Status.IN_PROGRESS, EventKind.STARTED, Actor.OFFICIAL),
    "resolve": _t(
        (Status.ROUTED, Status.IN_PROGRESS), Status.RESOLVED, EventKind.RESOLVED, Actor.OFFICIAL, True
    ),
    "reject": _t(
        (Status.ROUTED, Status.IN_PROGRESS), Status.REJECTED, EventKind.REJECTED, Actor.OFFICIAL, True
    ),
    "confirm": _t((Status.RESOLVED, Status.REJECTED), Status.CLOSED, EventKind.CONFIRMED, Actor.AUTHOR),
    "dispute": _t(
        (Status.RESOLVED, Status.REJECTED), Status.IN_PROGRESS, EventKind.DISPUTED, Actor.AUTHOR, True
    ),
    "close": _t((Status.RESOLVED, Status.REJECTED), Status.CLOSED, EventKind.CLOSED, Actor.SYSTEM),
}

CONFIRM_DAYS = 15


def allowed_actions(status: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if status in t.sources]
