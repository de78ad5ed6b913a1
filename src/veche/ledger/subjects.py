"""What a ledger entry counted, in words a resident reads: "Your vote in the poll “Parks”".

The ledger is core and knows no wing. A chain is named after the thing it counts for
(`services.chain_name`: a poll, a budget, an appeal, an initiative); the wing that owns that model
registers how to name it, as wings register their content with `moderation.registry`. Pages never
show the chain's own name: it is an internal label.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from veche.municipalities.zones import zone_of


def _always(obj: Any) -> bool:
    return True


@dataclass(frozen=True)
class Subjects:
    """How a wing names the chains of one model: `yours` and `entry` are words with one "{}", the
    thing's title ("Your vote in the poll “{}”", "A vote in the poll “{}”"); `municipality(obj)` and
    `url(obj)` follow only `related`; `shown(obj)` says whether its title may be shown to anyone (a
    hidden appeal's may not)."""

    model: type[models.Model]
    yours: StrOrPromise
    entry: StrOrPromise
    municipality: Callable[[Any], Any]
    url: Callable[[Any], str]
    related: tuple[str, ...] = ()
    title: Callable[[Any], str] = str
    shown: Callable[[Any], bool] = _always


@dataclass(frozen=True)
class Subject:
    """One chain in words: what a receipt of it counted, for its holder (`yours`) and for anyone
    (`entry`); the page of the thing; the municipality, whose clock its times are told by; the thing's
    own title (other apps that name things by the same label, such as recognition's ledger of points,
    put it in words of their own)."""

    yours: StrOrPromise
    entry: StrOrPromise
    url: str
    municipality: str
    zone: ZoneInfo
    title: str = ""


def _unknown() -> Subject:
    """A chain no wing names (or whose thing is gone or hidden): still plain words, never its label."""
    return Subject(
        yours=_("Your entry in the public record"),
        entry=_("An entry in the public record"),
        url="",
        municipality="",
        zone=ZoneInfo(settings.TIME_ZONE),
    )


_registry: dict[str, Subjects] = {}


def register(
    model: type[models.Model],
    *,
    yours: StrOrPromise,
    entry: StrOrPromise,
    municipality: Callable[[Any], Any],
    url: Callable[[Any], str],
    related: tuple[str, ...] = (),
    title: Callable[[Any], str] = str,
    shown: Callable[[Any], bool] = _always,
) -> None:
    _registry[model._meta.label_lower] = Subjects(
        model, yours, entry, municipality, url, related=related, title=title, shown=shown
    )


def _split(chain: str) -> tuple[str, int] | None:
    label, _colon, pk = chain.rpartition(":")
    return (label, int(pk)) if label and pk.isdigit() else None


def describe(chains: Iterable[str]) -> dict[str, Subject]:
    """Every chain of `chains` in words: one query per registered model among them."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for chain in chains:
        split = _split(chain)
        if split is not None and split[0] in _registry:
            wanted[split[0]].add(split[1])
    described: dict[str, Subject] = {}
    for label, pks in wanted.items():
        subjects = _registry[label]
        for obj in subjects.model._default_manager.filter(pk__in=pks).select_related(*subjects.related):
            if not subjects.shown(obj):
                continue
            municipality = subjects.municipality(obj)
            title = subjects.title(obj)
            described[f"{label}:{obj.pk}"] = Subject(
                yours=format_lazy(subjects.yours, title),
                entry=format_lazy(subjects.entry, title),
                url=subjects.url(obj),
                municipality=str(municipality),
                zone=zone_of(municipality),
                title=title,
            )
    return {chain: described.get(chain) or _unknown() for chain in chains}


def describe_one(chain: str) -> Subject:
    return describe([chain])[chain]
