"""The engine's tests' fixtures (the constants and helpers they share are in helpers.py)."""

import pytest

from veche.budgeting.engine import Election, read_pb
from veche.budgeting.engine.tests.helpers import WIELICZKA


@pytest.fixture(scope="session")
def wieliczka() -> Election:
    return read_pb(WIELICZKA)
