"""The API's list of a municipality's published polls, kept in each process between requests.

A published poll does not change but for its count of votes and its early close, so the list's rows
are read once per process and token (`municipalities.listings`), in the four orders the API serves,
and each poll's item is serialised by `PollOut` once per language. A request then reads, for the
page's polls, their counts with the token (one query: the page came from the list kept last, which
stands if the token agrees) and the caller's own choices (one more); the status and whether the
results are public follow from the clock (`listed_page`). `polls.services` changes the token when
it publishes or closes a poll; `municipalities.services` when a district or the municipality changes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from threading import Lock
from typing import Any

from django.db import connection
from django.utils.translation import get_language

from veche.access.functions import access_municipality, admitted, is_live
from veche.municipalities.listings import Kept, listings_token
from veche.municipalities.models import ListingRevision, Municipality
from veche.polls.access import results_public
from veche.polls.models import Poll, Status
from veche.polls.selectors import ORDERINGS, choices_of, with_parts

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

    def __init__(self, municipality: Municipality, polls: list[Poll]) -> None:
        self.municipality = municipality
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


@dataclass(frozen=True)
class ListedPage:
    listing: PollListing
    polls: list[Poll]
    count: int  # of the tab's polls, on every page
    votes: dict[int, int]  # each poll's count of votes now
    choices: dict[int, list[int]]  # the option ids the viewer chose, in ballot order, where they voted


def listed_page(slug: str, viewer: Any, *, status: str, now: datetime, offset: int, limit: int) -> ListedPage:
    """One page of the published polls of the municipality `slug` in the tab `status` ("" for all) at
    `now`, as `access_municipality` would let `viewer` see it (NotFound otherwise).

    The list kept last for the slug, with its municipality's row, is used when the token that the
    counts' query reads with them agrees with the one it was kept under: every change of the
    municipality changes the token too, so neither the municipality nor the list need be read (two
    queries less a page). Otherwise both are read afresh, and the page again.
    """
    kept = _kept.last(slug)
    if kept is not None and is_live(viewer, kept[1].municipality):
        kept_under, listing = kept
        polls, count = listing.page(status, now, offset, limit)
        votes, current = _votes_and_token(polls, listing.municipality.pk)
        if current == kept_under:
            admitted(viewer, listing.municipality)
            return ListedPage(listing, polls, count, votes, choices_of(polls, viewer))
    municipality = access_municipality(viewer, slug)
    token = listings_token(municipality.pk)
    rows = Poll.objects.filter(municipality=municipality, published_at__isnull=False)
    listing = PollListing(municipality, list(rows.select_related("municipality")))
    _kept.keep(slug, token, listing)
    polls, count = listing.page(status, now, offset, limit)
    votes, _token = _votes_and_token(polls, municipality.pk)
    return ListedPage(listing, polls, count, votes, choices_of(polls, viewer))


def _votes_and_token(polls: list[Poll], municipality_id: int) -> tuple[dict[int, int], str | None]:
    """The polls' counts of votes now, and the municipality's token read in the same query."""
    if not polls:
        return {}, listings_token(municipality_id)
    marks = ", ".join(["%s"] * len(polls))
    sql = (
        f"SELECT id, votes_count, (SELECT token FROM {ListingRevision._meta.db_table} "  # noqa: S608
        f"WHERE municipality_id = %s) FROM {Poll._meta.db_table} WHERE id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [municipality_id, *(poll.pk for poll in polls)])
        rows = cursor.fetchall()
    return {pk: count for pk, count, _token in rows}, rows[0][2] if rows else listings_token(municipality_id)


def listed_now(poll: Poll, now: datetime) -> dict[str, Any]:
    """What of a listed poll follows from the clock."""
    return {"status": str(poll.status_at(now)), "results_public": results_public(poll, now)}
