"""Fixtures of the poll tests: polls of every kind, open now (residents of each district, `resident_of`
and `voter`, come from the test plugin, veche.core.testing)."""

from collections.abc import Callable

import pytest

from veche.polls.models import Kind, Poll, PollTier


@pytest.fixture
def single(make_poll: Callable[..., Poll]) -> Poll:
    return make_poll()


@pytest.fixture
def multiple(make_poll: Callable[..., Poll]) -> Poll:
    return make_poll(
        "What should the city festival have?",
        kind=Kind.MULTIPLE,
        min_choices=2,
        max_choices=3,
        tier=PollTier.REGISTERED,
        options=["Concert", "Fair", "Night tours", "Bicycle parade", "Fireworks"],
    )


@pytest.fixture
def ranked(make_poll: Callable[..., Poll]) -> Poll:
    return make_poll(
        "Rank next year's priorities",
        kind=Kind.RANKED,
        min_choices=1,
        max_choices=3,
        options=["Courtyards", "Pavements", "Lighting", "Playgrounds"],
    )
