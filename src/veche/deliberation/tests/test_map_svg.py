"""The map's picture: coordinates written with a dot whatever the language, one path a group, and the
markup kept small for many participants by gathering nearby points."""

import random
import re

import pytest
from django.utils import translation

from veche.deliberation import svg


def _cloud(n, groups=3, seed=1):
    rng = random.Random(seed)
    centres = [(-1.5, 0.5), (1.2, 1.0), (0.2, -1.4), (2.0, -1.0), (-2.0, -1.5)][:groups]
    points, assigned = {}, {}
    for pid in range(n):
        g = pid % groups
        cx, cy = centres[g]
        points[str(pid)] = [cx + rng.gauss(0, 0.4), cy + rng.gauss(0, 0.4)]
        assigned[str(pid)] = g
    return points, assigned, centres


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_number_is_written_with_a_dot_inside_the_viewbox(language):
    points, groups, centres = _cloud(300)
    with translation.override(language):
        made = svg.picture(points, groups, centres, "ABC", you=(0.1, 0.2))

    assert [layer.group for layer in made.layers] == [0, 1, 2]
    assert [layer.shape for layer in made.layers] == ["circle", "square", "triangle"]
    for layer in made.layers:
        numbers = re.findall(r"-?\d+(?:\.\d+)?", layer.path)
        assert "," not in layer.path and len(numbers) > layer.marks
        assert all(re.fullmatch(r"-?\d+(\.\d)?", n) for n in numbers)
    for label in made.labels:
        assert 0 <= float(label.x) <= made.width and 0 <= float(label.y) <= made.height
    assert made.you is not None and all(0 <= float(v) <= svg.WIDTH for v in made.you)
    assert made.marks == 300 and not made.gathered


def test_many_participants_are_gathered_into_a_small_picture():
    points, groups, centres = _cloud(100_000)

    made = svg.picture(points, groups, centres, "ABC")

    assert made.gathered
    size = sum(len(layer.path) for layer in made.layers)
    assert made.marks < 6000 and size < 300_000, (made.marks, size)


def test_a_participant_in_no_group_is_drawn_grey():
    points = {"1": [0.0, 0.0], "2": [1.0, 1.0], "3": [0.5, 0.2]}

    made = svg.picture(points, {"1": 0, "2": 1}, [(0.0, 0.0), (1.0, 1.0)], "AB")

    assert [layer.group for layer in made.layers] == [None, 0, 1]
    assert made.layers[0].fill == svg.UNGROUPED


@pytest.mark.parametrize(
    ("you", "label"),
    [
        ((0.0, 0.0), ("13", "-11", "start")),  # in the middle: right of the marker, above it
        ((2.4, 0.0), ("-13", "-11", "end")),  # at the right edge: left of it
    ],
)
def test_the_you_label_stays_inside_the_frame(you, label):
    points, groups, centres = _cloud(300)
    points.update({"left": [-2.5, -2.0], "right": [2.4, -2.0], "top": [0.0, 1.9]})
    made = svg.picture(points, groups, centres, "ABC", you=you)
    assert made.you_label == label
