"""The budgeting tests read their messages in English (the fixtures they share are in helpers.py)."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english(english: Any) -> None:
    """Pages and services answer in English, so that tests can read the messages."""
