"""Access to official polls: who manages them, who sees a poll, and who sees its results early.

Officials and municipal admins run polls (the roles table's "manage_polls").
"""

from datetime import datetime
from typing import Any

from veche.access.functions import access_municipality, access_visible
from veche.access.roles import Person, has_permission
from veche.core.errors import NotFound
from veche.municipalities.models import Municipality
from veche.polls.models import Poll, Status


def can_manage_polls(user: Person, municipality: Municipality) -> bool:
    return has_permission(user, municipality, "manage_polls")


def can_see_poll(user: Person, poll: Poll) -> bool:
    """Published polls are public; a draft only to those who manage the municipality's polls."""
    return poll.published_at is not None or can_manage_polls(user, poll.municipality)


def results_public(poll: Poll, now: datetime) -> bool:
    """Results are public once voting has ended, or from the start when the poll says so."""
    status = poll.status_at(now)
    return status == Status.CLOSED or (poll.live_results and status != Status.DRAFT)


def can_see_results(user: Person, poll: Poll, now: datetime) -> bool:
    """Everyone once they are public; those who run the poll at any time."""
    return results_public(poll, now) or can_manage_polls(user, poll.municipality)


def access_poll(user: Person, poll_id: Any, *, municipality: Municipality | None = None) -> Poll:
    """The poll if this person may see it, in `municipality` when one is named; else NotFound."""
    polls = Poll.objects.select_related("municipality")
    return access_visible(user, polls, poll_id, can_see_poll, municipality=municipality)


def access_polls_staff(user: Person, slug: str) -> Municipality:
    """The municipality for one who manages its polls; NotFound for everyone else."""
    municipality = access_municipality(user, slug)
    if not can_manage_polls(user, municipality):
        raise NotFound()
    return municipality


def access_poll_to_manage(user: Person, poll_id: Any, *, municipality: Municipality) -> Poll:
    poll = access_poll(user, poll_id, municipality=municipality)
    if not can_manage_polls(user, poll.municipality):
        raise NotFound()
    return poll
