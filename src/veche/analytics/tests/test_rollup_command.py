"""`veche analytics rollup | check | classify` and the scheduled task."""

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from veche.accounts.models import User
from veche.analytics import tasks
from veche.analytics.models import MonthlyFact, Watermark
from veche.comments.models import Comment
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


def test_the_task_rolls_up_rows_older_than_a_minute_and_is_idempotent(
    municipality: Municipality, make_user: Callable[..., User]
) -> None:
    old = comment_create(author=make_user("a"), municipality=municipality, target=municipality, body="Окна")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    # Made just now: its transaction might have a slower neighbour; the next run takes it.
    comment_create(author=make_user("b"), municipality=municipality, target=municipality, body="Двери")
    assert tasks.rollup.delay().get() == 1
    assert tasks.rollup.delay().get() == 0
    assert MonthlyFact.objects.get(metric="contributions").value == 1
    assert Watermark.objects.get(source="comments").last_id == old.pk
    # The command reads everything.
    call_command("analytics", "rollup", stdout=io.StringIO(), stderr=io.StringIO())
    assert MonthlyFact.objects.get(metric="contributions").value == 2


def test_the_admin_lists_the_roll_ups_read_only(
    municipality: Municipality, author: User, platform_admin: User, client_for: Callable[..., Any]
) -> None:
    comment_create(author=author, municipality=municipality, target=municipality, body="Окна")
    call_command("analytics", "rollup", stdout=io.StringIO(), stderr=io.StringIO())
    client = client_for(platform_admin)
    for model in ("monthlyfact", "monthlyparticipant", "periodfigure", "watermark"):
        page = client.get(f"/admin/analytics/{model}/")
        assert page.status_code == 200
        assert f"/admin/analytics/{model}/add/" not in page.content.decode()


def test_the_beat_runs_the_rollup_every_five_minutes(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["analytics-rollup"]
    assert entry == {"task": "veche.analytics.tasks.rollup", "schedule": 300.0}
    assert tasks.rollup.name == entry["task"]
