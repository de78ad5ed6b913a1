"""Fixtures of the appeal tests: a municipality whose appeals need three signatures, and signers."""

from collections.abc import Callable

import pytest

from veche.accounts.models import User
from veche.appeals.models import Appeal, AppealPolicy
from veche.appeals.services import appeal_create
from veche.municipalities.models import Municipality
from veche.petitions.tests.kinds import policy_fixture

# Three signatures oblige an answer in 10 working days.
policy = policy_fixture("appeal")


@pytest.fixture
def make_appeal(policy: AppealPolicy, municipality: Municipality, author: User) -> Callable[..., Appeal]:
    def make(title: str = "Keep the square by the House of Culture", **kwargs) -> Appeal:
        kwargs.setdefault("author", author)
        kwargs.setdefault("municipality", municipality)
        kwargs.setdefault("body", "The council gave the square to a **shopping centre**. Please revoke it.")
        return appeal_create(title=title, **kwargs)

    return make


@pytest.fixture
def appeal(make_appeal: Callable[..., Appeal]) -> Appeal:
    return make_appeal()


@pytest.fixture
def signers(make_user: Callable[..., User], municipality: Municipality) -> list[User]:
    """Eight verified residents of the municipality."""
    return [make_user(f"signer{i}", verified_in=municipality) for i in range(8)]
