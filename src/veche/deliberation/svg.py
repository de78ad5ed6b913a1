# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The opinion map's picture: participants' points and the groups' centres laid out in an SVG viewBox.

Every number here ends up in an SVG attribute, so it is formatted in Python (`_n`), never by a
template's locale (a Russian page once drew an empty map because of decimal commas). Each group's
marks are one `<path>` whose shape says the group as well as its colour does; above `MAX_MARKS`
participants, the points of a group are gathered in cells and a cell is drawn once, larger where more
participants stand, so that the markup stays small for any number of participants.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

WIDTH = 600
HEIGHT = 520  # the tallest picture; a flatter cloud of points gets a lower one, down to LOW
LOW = 240
PAD = 30  # room for the letters at the edges
MAX_MARKS = 2000
CELL = 8  # the side of a cell, in viewBox units, when points are gathered
MARK = 3.2  # a single participant's mark: its half-size (FEW_MARK while there are few)
FEW = 500
FEW_MARK = 4.5

# Colour-blind-safe colours (Okabe and Ito), each with 3:1 contrast or more on white; the shape and the
# letter tell the groups apart without them.
COLOURS = ("#0072b2", "#c64f00", "#007a5a", "#b0508c", "#8a6d00", "#5b4fa8", "#3d6e8f", "#8c4f2a")
SHAPES = ("circle", "square", "triangle", "diamond", "down")
UNGROUPED = "#7a838c"


def _n(value: float) -> str:
    """A coordinate for an attribute: at most one decimal, a dot, no exponent, no "-0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def mark_path(shape: str, x: float, y: float, r: float) -> str:
    """Path data of one mark of `shape` centred on (x, y) with half-size r."""
    if shape == "square":
        s = r * 0.9
        return f"M{_n(x - s)} {_n(y - s)}h{_n(2 * s)}v{_n(2 * s)}h{_n(-2 * s)}z"
    if shape == "triangle":
        h = r * 1.25
        return f"M{_n(x)} {_n(y - h)}l{_n(h)} {_n(2 * h * 0.85)}h{_n(-2 * h)}z"
    if shape == "down":
        h = r * 1.25
        return f"M{_n(x)} {_n(y + h)}l{_n(h)} {_n(-2 * h * 0.85)}h{_n(-2 * h)}z"
    if shape == "diamond":
        d = r * 1.25
        return f"M{_n(x)} {_n(y - d)}l{_n(d)} {_n(d)} {_n(-d)} {_n(d)} {_n(-d)} {_n(-d)}z"
    # circle: two arcs
    return f"M{_n(x - r)} {_n(y)}a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0a{_n(r)} {_n(r)} 0 1 0 {_n(-2 * r)} 0"


def shape_of(group: int) -> str:
    return SHAPES[group % len(SHAPES)]


def colour_of(group: int) -> str:
    return COLOURS[group % len(COLOURS)]


@dataclass(frozen=True)
class Layer:
    """One group's marks (group None: participants placed on the map but in no group)."""

    group: int | None
    fill: str
    shape: str
    path: str
    marks: int


@dataclass(frozen=True)
class Label:
    group: int
    letter: str
    x: str
    y: str
    fill: str


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    layers: list[Layer]
    labels: list[Label]
    you: tuple[str, str] | None
    # Where the "You" label stands from the marker (dx, dy, text-anchor): inside the frame.
    you_label: tuple[str, str, str]
    gathered: bool  # marks stand for cells of participants, not one participant each
    marks: int


# The room the "You" label takes beside its marker, in the viewBox's units.
YOU_ROOM = 70


def legend_path(group: int) -> str:
    """A mark of the group's shape for a 16 x 16 legend icon."""
    return mark_path(shape_of(group), 8, 8, 6)


def picture(
    points: Mapping[str, Sequence[float]],
    groups: Mapping[str, int],
    centres: Sequence[Sequence[float]],
    letters: Sequence[str],
    you: tuple[float, float] | None = None,
) -> Picture:
    """Lay out `points` (participant -> [x, y] in the engine's space) coloured and shaped by `groups`,
    the group `centres` labelled with `letters`, and `you` (a point in the same space) in a
    WIDTH x HEIGHT viewBox, with one scale for both axes (distances stay true), y pointing up."""
    xs = [float(p[0]) for p in points.values()] + [float(c[0]) for c in centres]
    ys = [float(p[1]) for p in points.values()] + [float(c[1]) for c in centres]
    if you is not None:
        xs.append(you[0])
        ys.append(you[1])
    if not xs:
        return Picture(WIDTH, HEIGHT, [], [], None, ("13", "-11", "start"), False, 0)
    left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = max(right - left, 1e-9), max(top - bottom, 1e-9)
    # A phone shows the picture 360 px wide: the cloud fills the width, and the height follows it.
    height = round(min(max(span_y / span_x * (WIDTH - 2 * PAD) + 2 * PAD, LOW), HEIGHT))
    scale = min((WIDTH - 2 * PAD) / span_x, (height - 2 * PAD) / span_y)
    offset_x = (WIDTH - span_x * scale) / 2
    offset_y = (height - span_y * scale) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return offset_x + (x - left) * scale, height - (offset_y + (y - bottom) * scale)

    gathered = len(points) > MAX_MARKS
    by_group: dict[int | None, list[tuple[float, float]]] = {}
    for pid, point in points.items():
        group = groups.get(pid)
        by_group.setdefault(None if group is None else int(group), []).append(
            at(float(point[0]), float(point[1]))
        )
    layers = []
    for group in sorted(by_group, key=lambda g: -1 if g is None else g):
        placed = by_group[group]
        shape = "circle" if group is None else shape_of(group)
        fill = UNGROUPED if group is None else colour_of(group)
        if gathered:
            cells = Counter((int(x // CELL), int(y // CELL)) for x, y in placed)
            most = max(cells.values())
            parts = [
                mark_path(
                    shape, (cx + 0.5) * CELL, (cy + 0.5) * CELL, MARK * (0.8 + 1.2 * math.sqrt(n / most))
                )
                for (cx, cy), n in sorted(cells.items())
            ]
        else:
            size = FEW_MARK if len(points) <= FEW else MARK
            parts = [mark_path(shape, x, y, size) for x, y in placed]
        layers.append(Layer(group, fill, shape, "".join(parts), len(parts)))
    labels = []
    for index, centre in enumerate(centres):
        if index >= len(letters):
            break
        x, y = at(float(centre[0]), float(centre[1]))
        labels.append(Label(index, letters[index], _n(x), _n(y), colour_of(index)))
    you_at = None
    you_label = ("13", "-11", "start")
    if you is not None:
        x, y = at(you[0], you[1])
        you_at = (_n(x), _n(y))
        # The label goes left of a marker near the right edge (above it, it has PAD of room).
        you_label = (
            "13" if x < WIDTH - YOU_ROOM else "-13",
            "-11",
            "start" if x < WIDTH - YOU_ROOM else "end",
        )
    return Picture(
        WIDTH, height, layers, labels, you_at, you_label, gathered, sum(layer.marks for layer in layers)
    )
