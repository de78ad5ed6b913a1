"""Fixtures of the moderation tests: someone who flags (`author` and `comment` come from the test
plugin, veche.core.testing)."""

import pytest


@pytest.fixture
def reporter(make_user):
    return make_user("reporter")
