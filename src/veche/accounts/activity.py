"""A person's own activity across the wings, newest first: their reports, signatures, supports, votes
and ballots, each counted one with its receipt.

Accounts is core and knows no wing: each wing registers its source here (as wings register with
`moderation.registry`), and a counted action is worded by the ledger's subjects (`ledger.subjects`),
so a vote reads the same on its receipt, on the check page and here. A page of activity costs a fixed
number of queries: one to count, one for the page's rows of every source at once (a UNION ordered by
time), then one per source and one per counted subject's model on the page.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import CharField, F, QuerySet, Value
from django_stubs_ext import StrOrPromise

from veche.ledger.subjects import describe


@dataclass(frozen=True)
class Item:
    """One thing a person did, in words: what, its state now (a report's status), where it is, when
    (told by `zone`, its municipality's clock), and the receipt of a counted one."""

    kind: str
    what: StrOrPromise
    url: str
    at: datetime
    zone: ZoneInfo
    status: StrOrPromise = ""
    receipt: str = ""


@dataclass(frozen=True)
class Source:
    """One kind of activity: `rows(user)` are the person's rows (with `created_at`), and
    `items(ids)` reads the rows of `ids` in words with a fixed number of queries."""

    kind: str
    rows: Callable[[Any], QuerySet[Any]]
    items: Callable[[list[int]], dict[int, Item]]


_registry: dict[str, Source] = {}


def register(
    kind: str, *, rows: Callable[[Any], QuerySet[Any]], items: Callable[[list[int]], dict[int, Item]]
) -> None:
    _registry[kind] = Source(kind, rows, items)


def register_counted(kind: str, model: type[models.Model], *, subject: str) -> None:
    """A counted action: rows of `model` with `user`, `created_at` and `receipt`, each counted on the chain
    of the thing its foreign key `subject` names (a vote's poll), whose words the ledger's subjects give."""
    target = model._meta.get_field(subject).related_model
    label = target._meta.label_lower  # type: ignore[union-attr]
    column = f"{subject}_id"

    def items(ids: list[int]) -> dict[int, Item]:
        rows = list(model._default_manager.filter(pk__in=ids).values("pk", "created_at", "receipt", column))
        subjects = describe({f"{label}:{row[column]}" for row in rows})
        found = {}
        for row in rows:
            said = subjects[f"{label}:{row[column]}"]
            found[row["pk"]] = Item(
                kind=kind,
                what=said.yours,
                url=said.url,
                at=row["created_at"],
                zone=said.zone,
                receipt=row["receipt"],
            )
        return found

    register(kind, rows=lambda user: model._default_manager.filter(user=user), items=items)


class Activity:
    """A person's activity newest first, as a sequence the paginators (Django's and the API's) slice."""

    def __init__(self, user: Any) -> None:
        parts = [
            source.rows(user)
            .order_by()
            .annotate(
                activity_kind=Value(kind, output_field=CharField()),
                activity_id=F("pk"),
                activity_at=F("created_at"),
            )
            .values_list("activity_kind", "activity_id", "activity_at")
            for kind, source in sorted(_registry.items())
        ]
        first, *rest = parts
        self._rows = first.union(*rest, all=True).order_by("-activity_at", "-activity_id", "activity_kind")

    @cached_property
    def _count(self) -> int:
        counted: int = self._rows.count()
        return counted

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, window: slice) -> list[Item]:
        rows = list(self._rows[window])
        ids: dict[str, list[int]] = defaultdict(list)
        for kind, pk, _at in rows:
            ids[kind].append(pk)
        found = {kind: _registry[kind].items(pks) for kind, pks in ids.items()}
        return [found[kind][pk] for kind, pk, _at in rows if pk in found[kind]]


def activity_of(user: Any) -> Activity:
    """Everything `user` did, newest first."""
    return Activity(user)
