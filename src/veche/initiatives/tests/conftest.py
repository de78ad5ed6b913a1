"""Fixtures of the initiative tests: a policy of three supporters, an author, supporters, and helpers
that walk an initiative to each step through the services."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from veche.accounts.models import User
from veche.initiatives.models import Initiative, InitiativePolicy
from veche.initiatives.services import (
    initiative_accept,
    initiative_create,
    initiative_publish,
)
from veche.initiatives.tests.helpers import OPTIONS, cast, reach_threshold
from veche.municipalities.models import District, Municipality
from veche.petitions.tests.kinds import policy_fixture

# Three supporters within 30 days, an answer in 10 working days, a vote of 7 days.
policy = policy_fixture("initiative")


@pytest.fixture
def author(resident_of: Callable[..., User], central: District) -> User:
    return resident_of("author", central)


@pytest.fixture
def supporters(resident_of: Callable[..., User], central: District) -> list[User]:
    """Eight verified residents of the Central district."""
    return [resident_of(f"supporter{i}", central) for i in range(8)]


@pytest.fixture
def make_initiative(
    policy: InitiativePolicy, municipality: Municipality, author: User
) -> Callable[..., Initiative]:
    """An initiative, published unless `publish=False`."""

    def make(title: str = "A bicycle lane along the river", *, publish: bool = True, **kwargs) -> Initiative:
        kwargs.setdefault("author", author)
        kwargs.setdefault("municipality", municipality)
        kwargs.setdefault("body", "Paint a **protected lane** from the bridge to the park.")
        now = kwargs.pop("now", None)
        initiative = initiative_create(title=title, now=now, **kwargs)
        if publish:
            initiative = initiative_publish(author=kwargs["author"], initiative=initiative, now=now)
        return initiative

    return make


@pytest.fixture
def initiative(make_initiative: Callable[..., Initiative]) -> Initiative:
    return make_initiative()


@pytest.fixture
def awaiting(initiative: Initiative, supporters: list[User]) -> Initiative:
    """An initiative past its threshold, awaiting the answer."""
    return reach_threshold(initiative, supporters)


@pytest.fixture
def voting(awaiting: Initiative, official: User) -> Initiative:
    """An accepted initiative whose vote on three options is open now."""
    return initiative_accept(
        official=official, initiative=awaiting, answer="We can build it.", options=OPTIONS
    )


@pytest.fixture
def closed_vote(
    make_initiative: Callable[..., Initiative], supporters: list[User], official: User
) -> Initiative:
    """An accepted initiative whose vote ended a week ago: the first option won 2 to 1."""
    start = timezone.now() - timedelta(days=20)
    initiative = make_initiative("Benches in the square", now=start)
    reach_threshold(initiative, supporters, now=start + timedelta(days=1))
    initiative = initiative_accept(
        official=official,
        initiative=initiative,
        answer="Choose the benches.",
        options=["Wooden benches", "Stone benches"],
        voting_days=7,
        now=start + timedelta(days=5),
    )
    cast(initiative, [(supporters[0], 0), (supporters[1], 0), (supporters[2], 1)])
    return initiative
