"""What the wings tell recognition, which knows none of them: the series a badge condition asks a
person to complete ("every poll of a year", registered by polls).

A series maps each municipality to its years and, for each year that is over, the subjects
("polls.poll:7") a person must hold a live award of the condition's action for. Read with one query
for all the municipalities asked about.
"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

Series = Callable[[Sequence[Any], datetime], dict[int, dict[int, frozenset[str]]]]

_series: dict[str, tuple[str, Series]] = {}


def register_series(condition: str, *, action: str, things: Series) -> None:
    """`condition` is met for a year when every subject `things(municipalities, now)` lists for the
    year has a live award of `action`."""
    _series[condition] = (action, things)


def series_of(condition: str) -> tuple[str, Series] | None:
    return _series.get(condition)
