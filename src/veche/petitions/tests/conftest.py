"""Fixtures of the shared petition tests: each test runs once for appeals and once for initiatives.

`kind` (kinds.py) says, for one app, how to publish a petition, endorse it, answer it and run its
tick, and where its pages and API are; a policy of three endorsements and ten working days stands
behind it.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from veche.accounts.models import User
from veche.municipalities.models import Municipality

from .kinds import KINDS, Kind


@pytest.fixture(params=list(KINDS))
def kind(request, municipality: Municipality, municipal_admin: User) -> Kind:
    chosen = KINDS[request.param]
    chosen.set_policy(municipality, municipal_admin)
    return chosen


@pytest.fixture
def author(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("author", verified_in=municipality)


@pytest.fixture
def endorsers(make_user: Callable[..., User], municipality: Municipality) -> list[User]:
    """Eight verified residents of the municipality."""
    return [make_user(f"endorser{i}", verified_in=municipality) for i in range(8)]


@pytest.fixture
def make_petition(kind: Kind, municipality: Municipality, author: User) -> Callable[..., Any]:
    def make(title: str = "Keep the square by the House of Culture", now: datetime | None = None) -> Any:
        return kind.publish(author=author, municipality=municipality, title=title, now=now or timezone.now())

    return make


@pytest.fixture
def petition(make_petition: Callable[..., Any]) -> Any:
    return make_petition()
