import pytest


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """Pages and services answer in English, so that tests can read the messages."""
