from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings) -> Iterator[None]:
    """Pages and services answer in English, so that tests can read the messages."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
