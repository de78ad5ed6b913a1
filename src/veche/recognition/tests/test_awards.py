"""Points and badges earned through the real services of the wings: once each, capped by the daily
limit, revoked when a moderator hides what earned them and given back when it is restored."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from veche.comments.services import comment_create
from veche.core.errors import Conflict
from veche.moderation.services import content_hide, content_restore
from veche.notifications.messages import render
from veche.recognition.models import Action, BadgeRule, DailyAwards, Kind, PointEntry, PointRule
from veche.recognition.services import points_award, recognition_rules_ensure
from veche.recognition.tests.helpers import points_of
from veche.reports.services import (
    report_confirm,
    report_decline,
    report_dispute,
    report_reject,
    report_resolve,
    reports_close_unconfirmed,
)

pytestmark = pytest.mark.django_db


def test_a_report_fixed_and_confirmed_earns_points_and_the_first_badge(
    fixed, author, municipality, badges_of
):
    report = fixed(author)

    [entry] = PointEntry.objects.all()
    assert (entry.user, entry.municipality, entry.action, entry.kind) == (
        author,
        municipality,
        Action.REPORT_FIXED,
        Kind.AWARD,
    )
    assert entry.points == 10 and entry.subject == f"reports.report:{report.pk}"
    assert render(entry.reason) == gettext("Your report was fixed")
    assert badges_of(author, municipality) == {"first-fix"}


def test_repeating_the_confirmation_or_the_award_does_not_award_twice(fixed, author, municipality):
    report = fixed(author)
    with pytest.raises(Conflict):
        report_confirm(author=author, report=report)
    with transaction.atomic():
        again = points_award(
            user=author, municipality=municipality, action=Action.REPORT_FIXED, subject=report
        )

    assert again is False
    assert PointEntry.objects.count() == 1 and points_of(author) == 10
    # The place it would have taken today is given back: one award counted.
    assert DailyAwards.objects.get().awarded == 1


def test_a_disputed_report_fixed_again_earns_once(routed, official, author, photo):
    report = routed(author)
    report = report_resolve(official=official, report=report, answer="Fixed", photos=[photo()])
    report = report_dispute(author=author, report=report, reason="Still dark")
    report = report_resolve(official=official, report=report, answer="Fixed now", photos=[photo()])
    report_confirm(author=author, report=report)

    assert PointEntry.objects.count() == 1 and points_of(author) == 10


def test_an_undisputed_answer_closed_by_the_tick_earns_the_points(resolved, author):
    report = resolved(author)

    reports_close_unconfirmed(now=timezone.now() + timedelta(days=30))

    report.refresh_from_db()
    assert report.status == "closed"
    assert PointEntry.objects.get().subject == f"reports.report:{report.pk}" and points_of(author) == 10


def test_declined_rejected_and_commented_earn_nothing(
    submit, routed, official, moderator, author, municipality, badges_of
):
    report_decline(moderator=moderator, report=submit(author), reason="Not a problem of the city")
    rejected = report_reject(official=official, report=routed(author), reason="Not ours to fix")
    report_confirm(author=author, report=rejected)  # the author agrees it is not the city's
    comment_create(author=author, municipality=municipality, target=municipality, body="Thank you!")
    reports_close_unconfirmed(now=timezone.now() + timedelta(days=30))

    assert not PointEntry.objects.exists()
    assert badges_of(author, municipality) == set()


def test_the_daily_limit_caps_the_points_and_explains_the_rest(fixed, author, municipality, badges_of):
    today = timezone.now()
    for _ in range(6):
        fixed(author, now=today)
    fixed(author, now=today + timedelta(days=1))

    points = list(PointEntry.objects.order_by("pk").values_list("points", flat=True))
    assert points == [10, 10, 10, 10, 10, 0, 10]
    over = PointEntry.objects.order_by("pk")[5]
    assert "5" in render(over.reason) and render(over.reason).startswith(
        gettext("Your report was fixed") + "; "
    )
    # The action still counts towards badges: seven reports fixed.
    BadgeRule.objects.filter(municipality=municipality, code="ten-fixed").update(threshold=7)
    assert badges_of(author, municipality) == {"first-fix", "ten-fixed"}


def test_hiding_revokes_the_points_and_the_badge_and_restoring_gives_them_back(
    fixed, author, moderator, municipality, badges_of
):
    report = fixed(author)

    content_hide(moderator=moderator, content=report, reason="Someone's face in the photo")

    award, revocation = PointEntry.objects.order_by("pk")
    assert revocation.kind == Kind.REVOCATION and revocation.revokes == award and revocation.points == -10
    assert "Someone's face in the photo" in render(revocation.reason)
    assert points_of(author) == 0 and badges_of(author, municipality) == set()

    content_restore(moderator=moderator, content=report, reason="Blurred")

    restoration = PointEntry.objects.order_by("pk").last()
    assert (
        restoration.kind == Kind.REAWARD and restoration.restores == revocation and restoration.points == 10
    )
    assert points_of(author) == 10 and badges_of(author, municipality) == {"first-fix"}

    content_hide(moderator=moderator, content=report, reason="Again")

    again = PointEntry.objects.order_by("pk").last()
    assert again.kind == Kind.REVOCATION and again.revokes == restoration
    assert points_of(author) == 0 and badges_of(author, municipality) == set()
    assert PointEntry.objects.count() == 4


def test_a_report_hidden_before_it_is_fixed_earns_when_restored(
    routed, official, author, moderator, photo, municipality, badges_of
):
    report = routed(author)
    report = report_resolve(official=official, report=report, answer="Fixed", photos=[photo()])
    content_hide(moderator=moderator, content=report, reason="Spam in the text")
    report_confirm(author=author, report=report)

    assert points_of(author) == 0 and badges_of(author, municipality) == set()
    content_restore(moderator=moderator, content=report, reason="Cleaned")
    assert points_of(author) == 10 and badges_of(author, municipality) == {"first-fix"}


def test_hiding_a_comment_reads_the_ledger_once_and_writes_nothing(comment, moderator):
    content_hide(moderator=moderator, content=comment, reason="Rude")
    assert not PointEntry.objects.exists()


def test_a_switched_off_rule_or_a_rule_without_points(fixed, author, municipality, badges_of):
    """Either records the action with 0 points and says why: a badge that counts it still sees it."""
    recognition_rules_ensure(municipality=municipality)
    PointRule.objects.filter(municipality=municipality, action=Action.REPORT_FIXED).update(active=False)
    fixed(author)
    [off] = PointEntry.objects.all()
    assert off.points == 0 and badges_of(author, municipality) == {"first-fix"}
    assert off.reason["msg"] == "{}; the municipality gives no points for this now"

    PointRule.objects.filter(municipality=municipality, action=Action.REPORT_FIXED).update(
        active=True, points=0
    )
    fixed(author, description="The other street light is out too")
    assert list(PointEntry.objects.values_list("points", flat=True)) == [0, 0]
    assert not DailyAwards.objects.exists()


def test_an_award_costs_three_statements_and_a_switched_off_rule_two(fixed, author, municipality):
    report = fixed(author)
    recognition_rules_ensure(municipality=municipality)
    second = fixed(author, description="The other street light is out too")

    with transaction.atomic(), CaptureQueriesContext(connection) as active:
        points_award(user=author, municipality=municipality, action=Action.VOTE_CAST, subject=report)
    PointRule.objects.filter(municipality=municipality, action=Action.VOTE_CAST).update(active=False)
    with transaction.atomic(), CaptureQueriesContext(connection) as inactive:
        points_award(user=author, municipality=municipality, action=Action.VOTE_CAST, subject=second)

    statements = [q["sql"] for q in active.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 3, statements
    # The rule's read and the entry of 0 points: no claim of the daily counter.
    assert len([q for q in inactive.captured_queries if "SAVEPOINT" not in q["sql"]]) == 2


@pytest.mark.django_db(transaction=True)
def test_an_award_outside_a_transaction_is_refused(author, municipality):
    with pytest.raises(RuntimeError):
        points_award(user=author, municipality=municipality, action=Action.VOTE_CAST, subject=municipality)
    assert not PointEntry.objects.exists()


def test_the_ledger_is_append_only(fixed, author):
    fixed(author)
    entry = PointEntry.objects.get()

    entry.points = 1000
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        PointEntry.objects.filter(pk=entry.pk).update(points=1000)
    with pytest.raises(TypeError):
        PointEntry.objects.all().delete()
    assert PointEntry.objects.get().points == 10


def test_a_new_municipality_gets_the_default_rules_when_first_needed(other_municipality):
    assert not PointRule.objects.filter(municipality=other_municipality).exists()
    recognition_rules_ensure(municipality=other_municipality)
    recognition_rules_ensure(municipality=other_municipality)
    rules = dict(
        PointRule.objects.filter(municipality=other_municipality).values_list("action", "points", named=False)
    )
    assert rules == {
        "report_fixed": 10,
        "idea_selected": 20,
        "amendment_accepted": 10,
        "vote_cast": 1,
        "monitoring_report": 5,
    }
    codes = set(BadgeRule.objects.filter(municipality=other_municipality).values_list("code", flat=True))
    assert codes == {"first-fix", "ten-fixed", "every-poll", "idea-taken-up", "co-financed"}
