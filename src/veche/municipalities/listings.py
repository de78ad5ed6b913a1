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
from collections.abc import Hashable
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
    """One kind of list, kept per municipality (by its slug, where the list is found before the
    municipality is read, or its id) with the token it was read under: the `size` read last. The
    reader checks the token (`listings_token`, or in a query of its own) against the kept one."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._lists: OrderedDict[Hashable, tuple[str, T]] = OrderedDict()
        self._lock = Lock()

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
