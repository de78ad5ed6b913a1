"""Lists of a municipality's content kept in each process between requests, and what keeps them true.

A list whose rows change rarely but is read on every page (the API's poll list is the first) keeps
its rows in the process, under the municipality's `ListingRevision` token, read with one small query
per request. Every service that changes what such a list shows calls `listings_changed` in its
transaction: publishing or closing a poll, saving or deleting a district, department, category or the
municipality itself. The new token is seen when the transaction commits, with the change. A write
made around the services (a shell, a data repair) must call it too, or restart the web processes.
"""

import secrets
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

from django.db import connection

from veche.municipalities.models import ListingRevision

T = TypeVar("T")


def listings_changed(municipality_id: int) -> None:
    """Give the municipality's kept lists a new token: every process reads them afresh."""
    ListingRevision.objects.update_or_create(
        municipality_id=municipality_id, defaults={"token": secrets.token_hex(16)}
    )


def listings_token(municipality_id: int) -> str | None:
    """The municipality's current token, None if its lists were never changed (so none is kept)."""
    table = ListingRevision._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE municipality_id = %s", [municipality_id])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


class Kept(Generic[T]):
    """One kind of list, kept per municipality (by its id, or by its slug where the list is found
    before the municipality is read) with the token it was read under: the `size` read last."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._lists: OrderedDict[Hashable, tuple[str, T]] = OrderedDict()
        self._lock = Lock()

    def get(self, where: Hashable, municipality_id: int, read: Callable[[], T]) -> T:
        """The list as it is now: the token read first, the list kept under it or read afresh."""
        token = listings_token(municipality_id)
        if token is None:
            return read()
        kept = self.last(where)
        if kept is not None and kept[0] == token:
            return kept[1]
        value = read()
        self.keep(where, token, value)
        return value

    def last(self, where: Hashable) -> tuple[str, T] | None:
        """The list kept last, with the token it was kept under, which may be out of date: a caller
        that reads the token later in a query of its own may use the list when they agree."""
        with self._lock:
            kept = self._lists.get(where)
            if kept is not None:
                self._lists.move_to_end(where)
            return kept

    def keep(self, where: Hashable, token: str | None, value: T) -> None:
        """Keep `value`, read after `token` was: no token, nothing is kept."""
        if token is None:
            return
        with self._lock:
            self._lists[where] = (token, value)
            self._lists.move_to_end(where)
            while len(self._lists) > self.size:
                self._lists.popitem(last=False)
