"""The same comment sent from 8 threads at once by one person is stored once, on the real database."""

from __future__ import annotations

import pytest

from veche.accounts.models import User
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.testing import race
from veche.municipalities.models import Municipality

pytestmark = pytest.mark.usefixtures("transactional_db")

THREADS = 8


def test_one_comment_sent_8_times_at_once_is_stored_once(municipality: Municipality, resident: User) -> None:
    def post() -> Comment:
        return comment_create(author=resident, municipality=municipality, target=municipality, body="Фонтан!")

    results, errors = race([post] * THREADS)

    assert errors == []
    assert len(results) == THREADS
    assert Comment.objects.count() == 1
    assert {comment.pk for comment in results} == {Comment.objects.get().pk}  # type: ignore[attr-defined]
