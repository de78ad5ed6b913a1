# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The opinion map as pages show it: built from the stored `Map.result` (the engine's JSON, ids in
Polis numbering) with the texts of the statements it names, in two queries whatever the number of
participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from veche.deliberation import svg
from veche.deliberation.models import Deliberation, Map, Statement, shown_q
from veche.deliberation.services import Place

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TOP_CONSENSUS = 5


def letter(group: int) -> str:
    """Groups are named by letters: group 0 is "A"."""
    return LETTERS[group] if 0 <= group < len(LETTERS) else str(group + 1)


def percent(share: float) -> int:
    """A share 0..1 as a whole percentage for people to read."""
    return round(share * 100)


@dataclass(frozen=True)
class Opinion:
    """A statement with one share (consensus) or two (a group's representative statement: in the
    group and outside it), as fractions 0..1."""

    number: int
    text: str
    direction: str  # "agree" | "disagree"
    share: float
    share_out: float | None = None

    @property
    def agrees(self) -> bool:
        return self.direction == "agree"

    @property
    def percent(self) -> int:
        return percent(self.share)

    @property
    def percent_out(self) -> int | None:
        return None if self.share_out is None else percent(self.share_out)


@dataclass(frozen=True)
class Group:
    index: int
    letter: str
    size: int
    share: float  # of the participants in groups
    fill: str
    icon: str  # path data of the group's mark, 16 x 16
    representative: list[Opinion]

    @property
    def percent(self) -> int:
        return percent(self.share)


@dataclass(frozen=True)
class Informed:
    number: int
    text: str
    value: float  # group-informed consensus, 0..1

    @property
    def percent(self) -> int:
        return percent(self.value)


@dataclass(frozen=True)
class OpinionMap:
    computed_at: datetime
    stale: bool  # votes came since
    k: int
    reason: str
    groups: list[Group]
    agreed: list[Opinion]
    disagreed: list[Opinion]
    informed: list[Informed]
    n_participants: int
    n_votes: int
    n_statements: int
    picture: svg.Picture | None
    your_group: Group | None


def map_without_state(deliberation: Deliberation) -> Map | None:
    """The deliberation's map (`selectors.map_of`) without the engine's state: a page never needs it,
    and it holds a hundred base centres over every statement."""
    return Map.objects.filter(deliberation=deliberation).defer("state").first()


def _texts(deliberation: Deliberation, numbers: set[int]) -> dict[int, str]:
    """Texts of the statements still shown: one hidden since the map was computed is left out."""
    if not numbers:
        return {}
    rows = Statement.objects.filter(shown_q(), deliberation=deliberation, number__in=numbers).values_list(
        "number", "text"
    )
    return dict(rows)


def opinion_map(deliberation: Deliberation, stored: Map | None, place: Place) -> OpinionMap | None:
    """The map to show, with where the caller stands (`place`, from `services.participant_place`);
    None when none was computed yet."""
    if stored is None:
        return None
    result: dict[str, Any] = stored.result or {}
    k = int(stored.k)
    repness = {int(g): rows for g, rows in (result.get("repness") or {}).items()}
    consensus = result.get("consensus") or []
    informed_raw = sorted(
        ((int(n), float(x)) for n, x in (result.get("group_informed_consensus") or {}).items()),
        key=lambda item: (-item[1], item[0]),
    )
    numbers = {int(r["statement"]) for rows in repness.values() for r in rows}
    numbers |= {int(c["statement"]) for c in consensus}
    numbers |= {n for n, _ in informed_raw[: TOP_CONSENSUS * 2]}
    texts = _texts(deliberation, numbers)

    sizes = [int(n) for n in result.get("group_sizes") or []][:k]
    in_groups = sum(sizes) or 1
    groups = []
    for index, size in enumerate(sizes):
        representative = [
            Opinion(
                number=int(r["statement"]),
                text=texts[int(r["statement"])],
                direction=str(r["direction"]),
                share=float(r["p"]),
                share_out=float(r["p_out"]),
            )
            for r in repness.get(index, [])
            if int(r["statement"]) in texts
        ]
        groups.append(
            Group(
                index=index,
                letter=letter(index),
                size=size,
                share=size / in_groups,
                fill=svg.colour_of(index),
                icon=svg.legend_path(index),
                representative=representative,
            )
        )
    opinions = [
        Opinion(
            number=int(c["statement"]),
            text=texts[int(c["statement"])],
            direction=str(c["direction"]),
            share=float(c["p"]),
        )
        for c in consensus
        if int(c["statement"]) in texts
    ]
    informed = [Informed(n, texts[n], x) for n, x in informed_raw if n in texts][:TOP_CONSENSUS]

    points = result.get("points") or {}
    picture = None
    if k > 0 and points:
        picture = svg.picture(
            points,
            result.get("groups") or {},
            (result.get("centres") or [])[:k],
            [g.letter for g in groups],
            you=place.point,
        )
    your_group = groups[place.group] if place.group is not None and 0 <= place.group < len(groups) else None
    return OpinionMap(
        computed_at=stored.computed_at,
        stale=deliberation.vote_serial > stored.vote_serial,
        k=k,
        reason=stored.reason,
        groups=groups,
        agreed=[o for o in opinions if o.agrees],
        disagreed=[o for o in opinions if not o.agrees],
        informed=informed,
        n_participants=int(stored.n_participants),
        n_votes=int(stored.n_votes),
        n_statements=len(result.get("counts") or {}),
        picture=picture,
        your_group=your_group,
    )
