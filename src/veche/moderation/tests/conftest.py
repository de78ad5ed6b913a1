"""Fixtures of the moderation tests: a comment on the town square and people who flag it."""

import pytest

from veche.comments.services import comment_create


@pytest.fixture
def author(make_user):
    return make_user("author")


@pytest.fixture
def comment(author, municipality):
    return comment_create(
        author=author, municipality=municipality, target=municipality, body="Купите окна!!!"
    )


@pytest.fixture
def reporter(make_user):
    return make_user("reporter")
