"""The API's list of a municipality's published polls, kept in each process between requests.

A published poll does not change but for its count of votes and its early close, so the list's rows
are read once per process and token (`municipalities.listings`), in the four orders the API serves,
and each poll's item is serialised by `PollOut` once per language. A request then reads two things:
the token (one small query) and, for the page's polls, their counts with the caller's own choices
(one query, `counts_and_choices`); the status and whether the results are public follow from the
clock. `polls.services` changes the token when it publishes or closes a poll; `municipalities.services`
when a district or the municipality changes.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from threading import Lock
from typing import Any

from django.db import connection
from django.utils.translation import get_language

from veche.access.roles import is_signed_in
from veche.municipalities.listings import Kept
from veche.municipalities.models import Municipality
from veche.polls.access import results_public
from veche.polls.models import Poll, PollChoice, PollVote, Status
from veche.polls.selectors import ORDERINGS, with_parts

# Sort keys of ORDERINGS, for rows already in memory.
_SORT_KEYS: dict[str, tuple[Callable[[Poll], Any], bool]] = {
    Status.OPEN: (lambda poll: (poll.closes_at, poll.pk), False),
    Status.SCHEDULED: (lambda poll: (poll.opens_at, poll.pk), False),
    Status.CLOSED: (lambda poll: (poll.closes_at, poll.pk), True),
    "": (lambda poll: (poll.opens_at, poll.pk), True),
}
assert set(_SORT_KEYS) == set(ORDERINGS)  # noqa: S101 - one order per tab, here as in the database


class PollListing:
    """A municipality's published polls as read at one token."""

    def __init__(self, polls: list[Poll]) -> None:
        self._orders: dict[str, list[Poll]] = {}
        self._all = polls
        self._items: dict[tuple[int, str], dict[str, Any]] = {}
        self._lock = Lock()

    def _ordered(self, status: str) -> list[Poll]:
        ordered = self._orders.get(status)
        if ordered is None:
            key, reverse = _SORT_KEYS[status]
            ordered = self._orders[status] = sorted(self._all, key=key, reverse=reverse)
        return ordered

    def page(self, status: str, now: datetime, offset: int, limit: int) -> tuple[list[Poll], int]:
        """The polls of one page of the tab `status` ("" for all) at `now`, and how many the tab has."""
        ordered = self._ordered(status)
        if status:
            ordered = [poll for poll in ordered if poll.status_at(now) == status]
        return ordered[offset : offset + limit], len(ordered)

    def items(self, polls: list[Poll], serialise: Callable[[Poll], dict[str, Any]]) -> list[dict[str, Any]]:
        """Each poll's item as `serialise` makes it from a poll carrying `with_parts`' attributes
        (and `my_choices` None), made once per language."""
        language = get_language() or ""
        missing = [poll for poll in polls if (poll.pk, language) not in self._items]
        if missing:
            # The rows are shared by the process's requests; the parts and the item are the same for
            # each of them, so they are put on the rows under the lock.
            with self._lock:
                for poll in with_parts(missing):
                    poll.my_choices = None  # type: ignore[attr-defined]
                    self._items[poll.pk, language] = serialise(poll)
        return [self._items[poll.pk, language] for poll in polls]


_kept: Kept[PollListing] = Kept()


def poll_listing(municipality: Municipality) -> PollListing:
    """The municipality's published polls, kept under its token and slug (which their URLs carry)."""

    def read() -> PollListing:
        polls = Poll.objects.filter(municipality=municipality, published_at__isnull=False)
        return PollListing(list(polls.select_related("municipality")))

    return _kept.get(municipality.pk, (municipality.slug,), read)


def counts_and_choices(polls: Iterable[Poll], viewer: Any) -> tuple[dict[int, int], dict[int, list[int]]]:
    """The polls' counts of votes now, and the option ids `viewer` chose in each they voted in (in
    ballot order): one query."""
    ids = [poll.pk for poll in polls]
    if not ids:
        return {}, {}
    poll_table, vote_table, choice_table = (m._meta.db_table for m in (Poll, PollVote, PollChoice))
    marks = ", ".join(["%s"] * len(ids))
    user_id = viewer.pk if is_signed_in(viewer) else None
    # A LEFT JOIN keeps SQLite's order: the page's polls first, then the caller's vote by its
    # (poll, user) index, then its choices.
    sql = (
        f"SELECT p.id, p.votes_count, c.option_id FROM {poll_table} p "  # noqa: S608 - table names
        f"LEFT JOIN {vote_table} v ON v.poll_id = p.id AND v.user_id = %s "
        f"LEFT JOIN {choice_table} c ON c.vote_id = v.id "
        f"WHERE p.id IN ({marks}) ORDER BY p.id, c.rank"
    )
    counts: dict[int, int] = {}
    choices: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, *ids])
        for poll_id, count, option_id in cursor.fetchall():
            counts[poll_id] = count
            if option_id is not None:
                choices.setdefault(poll_id, []).append(option_id)
    return counts, choices


def listed_now(poll: Poll, now: datetime) -> dict[str, Any]:
    """What of a listed poll follows from the clock."""
    return {"status": str(poll.status_at(now)), "results_public": results_public(poll, now)}
