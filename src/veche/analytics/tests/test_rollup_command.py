"""`veche analytics rollup | check | classify` and the scheduled task."""

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from veche.accounts.models import User
from veche.analytics import tasks
from veche.analytics.models import MonthlyFact
from veche.comments.services import comment_create
from veche.municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def test_rollup_shows_progress_and_check_agrees(municipality: Municipality, author: User) -> None:
    comment_create(author=author, municipality=municipality, target=municipality, body="Окна")
    out, err = io.StringIO(), io.StringIO()
    call_command("analytics", "rollup", stdout=out, stderr=err)
    assert "comments: 1" in err.getvalue()
    assert "total: 1" in out.getvalue()
    out = io.StringIO()
    call_command("analytics", "check", stdout=out)
    assert "agree" in out.getvalue()


def test_check_lists_mismatches_and_exits_1(municipality: Municipality, author: User) -> None:
    comment_create(author=author, municipality=municipality, target=municipality, body="Окна")
    call_command("analytics", "rollup", stdout=io.StringIO(), stderr=io.StringIO())
    MonthlyFact.objects.update(value=7)
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("analytics", "check", stdout=out)
    assert caught.value.returncode == 1
    assert "contributions 'comment' 0: stored 7, recounted 1" in out.getvalue()


def test_classify_refuses_a_bad_period_with_exit_2() -> None:
    with pytest.raises(CommandError) as caught:
        call_command("analytics", "classify", "--period", "2025-13", stdout=io.StringIO())
    assert caught.value.returncode == 2
    assert "period" in str(caught.value)


def test_the_task_rolls_up_and_is_idempotent(
    municipality: Municipality, make_user: Callable[..., User]
) -> None:
    comment_create(author=make_user("a"), municipality=municipality, target=municipality, body="Окна")
    assert tasks.rollup.delay().get() == 1
    assert tasks.rollup.delay().get() == 0
    assert MonthlyFact.objects.get(metric="contributions").value == 1
