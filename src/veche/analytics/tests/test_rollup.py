"""The roll-ups count what the apps' services write, in the municipality's own months, once."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.accounts.models import User
from veche.analytics import selectors
from veche.analytics.models import MonthlyFact, MonthlyParticipant, Watermark
from veche.analytics.periods import Period, parse_period
from veche.analytics.services import rollup_check, rollup_run
from veche.analytics.sources import Months, sources
from veche.appeals import services as appeals
from veche.comments.services import comment_create
from veche.deliberation.services import statement_add, vote_cast
from veche.deliberation.tests.helpers import open_deliberation
from veche.initiatives import services as initiatives
from veche.initiatives.tests.helpers import cast, reach_threshold
from veche.municipalities.models import Category, Municipality
from veche.petitions.tests.kinds import THRESHOLD, policy_fixture
from veche.polls.models import Poll
from veche.polls.services import poll_vote
from veche.polls.tests.helpers import option_ids
from veche.reports import services as reports
from veche.reports.models import Report

pytestmark = pytest.mark.django_db

appeal_policy = policy_fixture("appeal")
initiative_policy = policy_fixture("initiative")

# Vladivostok is ten hours ahead of UTC: 13:30 UTC on 31 January is 23:30 there, still January.
ZONE = "Asia/Vladivostok"
LATE_JANUARY = datetime(2026, 1, 31, 13, 30, tzinfo=UTC)
JANUARY, FEBRUARY = date(2026, 1, 1), date(2026, 2, 1)
YEAR = Period(date(2026, 1, 1), date(2027, 1, 1))


@pytest.fixture
def city(municipality: Municipality) -> Municipality:
    municipality.timezone = ZONE
    municipality.save()
    return municipality


def fact(metric: str, key: str | None = None, month: date | None = None) -> int:
    rows = MonthlyFact.objects.filter(metric=metric)
    if key is not None:
        rows = rows.filter(key=key)
    if month is not None:
        rows = rows.filter(month=month)
    return sum(rows.values_list("value", flat=True))


def test_month_boundaries_in_the_municipality_zone(city: Municipality) -> None:
    months = Months()
    assert months.month(city.pk, LATE_JANUARY.timestamp()) == JANUARY
    assert months.month(city.pk, (LATE_JANUARY + timedelta(minutes=30)).timestamp()) == FEBRUARY
    assert months.month(city.pk, datetime(2025, 12, 31, 23, 59, tzinfo=UTC).timestamp()) == JANUARY
    # Midnight there is the first moment of the month.
    assert months.month(city.pk, datetime(2026, 1, 31, 14, 0, tzinfo=UTC).timestamp()) == FEBRUARY
    assert months.day(city.pk, LATE_JANUARY.timestamp()) == date(2026, 1, 31)


def test_a_report_at_local_midnight_belongs_to_the_new_month(
    city: Municipality, lights: Category, author: User
) -> None:
    for moment in (
        datetime(2026, 1, 31, 14, 0, tzinfo=UTC),
        datetime(2026, 1, 31, 13, 59, 59, 999000, tzinfo=UTC),
    ):
        reports.report_submit(
            author=author,
            municipality=city,
            category=lights,
            latitude=55.75,
            longitude=37.61,
            description="The street light is out",
            now=moment,
        )
    rollup_run()
    assert fact("contributions", "report", JANUARY) == 1
    assert fact("contributions", "report", FEBRUARY) == 1


def test_reports_their_steps_and_supports(
    city: Municipality,
    lights: Category,
    author: User,
    moderator: User,
    official: User,
    make_user: Callable[..., User],
) -> None:
    def submit(now: datetime) -> Report:
        return reports.report_submit(
            author=author,
            municipality=city,
            category=lights,
            latitude=55.75,
            longitude=37.61,
            description="The street light is out",
            now=now,
        )

    # 23:30 on the last day of January there, and an hour later (February there).
    january = submit(LATE_JANUARY)
    february = submit(LATE_JANUARY + timedelta(hours=1))
    reports.report_moderate(moderator=moderator, report=january, now=LATE_JANUARY + timedelta(minutes=15))
    answered_at = datetime(2026, 2, 2, 3, 0, tzinfo=UTC)  # 37.5 hours after submission
    reports.report_reject(official=official, report=january, reason="Not ours to fix", now=answered_at)
    reports.report_dispute(
        author=author, report=january, reason="It is yours", now=answered_at + timedelta(days=1)
    )
    # Answered again after the dispute: not a first answer.
    reports.report_reject(
        official=official, report=january, reason="Still not ours", now=answered_at + timedelta(days=2)
    )
    reports.report_moderate(moderator=moderator, report=february, now=LATE_JANUARY + timedelta(hours=2))
    supporter = make_user("supporter")
    reports.report_support(user=supporter, report=february)

    stats = rollup_run()

    assert stats.rows["reports"] == 2 and stats.rows["report_supports"] == 1
    january.refresh_from_db()
    key = f"{january.department_id}|{january.district_id or 0}|{lights.pk}"
    assert fact("contributions", "report", JANUARY) == 1
    assert fact("contributions", "report", FEBRUARY) == 1
    # Routed 23:45 on 31 January (the first report), 01:30 on 1 February (the second).
    assert fact("reports_received", key, JANUARY) == 1
    assert fact("reports_received", month=FEBRUARY) == 1
    assert fact("reports_answered", key, FEBRUARY) == 1
    assert fact("reports_answered") == 1
    assert fact("reports_answered_in_time", key, FEBRUARY) == 1
    assert fact("reports_disputed", key, FEBRUARY) == 1
    assert MonthlyFact.objects.get(metric="answer_hours").bucket == 37
    assert fact("votes", "me_too") == 1
    assert selectors.median_answer_hours(city, YEAR) == 37
    people = dict(MonthlyParticipant.objects.filter(user=author).values_list("month", "actions"))
    assert people == {JANUARY: 1, FEBRUARY: 1}
    assert MonthlyParticipant.objects.filter(user=supporter).get().actions == 1
    assert rollup_check() == []


def test_an_answer_after_the_due_date_is_answered_but_not_in_time(
    city: Municipality, lights: Category, author: User, moderator: User, official: User
) -> None:
    report = reports.report_submit(
        author=author,
        municipality=city,
        category=lights,
        latitude=55.75,
        longitude=37.61,
        description="The street light is out",
        now=LATE_JANUARY,
    )
    reports.report_moderate(moderator=moderator, report=report, now=LATE_JANUARY)
    report.refresh_from_db()
    late = datetime.combine(report.answer_due + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    reports.report_reject(official=official, report=report, reason="No", now=late)
    # Disputed after the answer: the new due date does not make the late answer timely.
    reports.report_dispute(author=author, report=report, reason="Yes", now=late + timedelta(hours=1))

    rollup_run()

    assert fact("reports_answered") == 1
    assert fact("reports_answered_in_time") == 0
    assert rollup_check() == []


def test_appeals_signatures_and_answers(
    city: Municipality,
    appeal_policy: object,
    author: User,
    official: User,
    make_user: Callable[..., User],
) -> None:
    appeal = appeals.appeal_create(author=author, municipality=city, title="Keep the square", body="Please.")
    signers = [make_user(f"signer{i}", verified_in=city) for i in range(THRESHOLD)]
    for signer in signers:
        appeals.appeal_sign(user=signer, appeal=appeal)
    rollup_run()
    assert fact("contributions", "appeal") == 1
    assert fact("votes", "signature") == THRESHOLD
    assert fact("appeals_received") == 1
    assert fact("appeals_answered") == 0

    appeal.refresh_from_db()
    appeals.appeal_answer(official=official, appeal=appeal, answer="The square stays.")
    stats = rollup_run()

    assert stats.rows["appeals"] == 0 and stats.rows["appeal_answers"] == 2
    assert fact("appeals_answered") == 1
    assert fact("appeals_answered_in_time") == 1
    assert (
        selectors.active_participants(city, parse_period("", today=timezone.localdate()))[-1] == 1 + THRESHOLD
    )
    assert rollup_check() == []


def test_initiatives_supports_and_the_threshold(
    city: Municipality, initiative_policy: object, make_user: Callable[..., User]
) -> None:
    author = make_user("initiator", verified_in=city)
    initiative = initiatives.initiative_create(
        author=author, municipality=city, title="A bike lane", body="On Garden Street.", publish=True
    )
    supporters = [make_user(f"supporter{i}", verified_in=city) for i in range(THRESHOLD)]
    reach_threshold(initiative, supporters)

    rollup_run()

    assert fact("contributions", "initiative") == 1
    assert fact("votes", "support") == THRESHOLD
    assert fact("initiatives_threshold") == 1
    assert fact("initiatives_adopted") == 0
    assert rollup_check() == []


def test_an_adopted_initiative_is_counted_when_decided(
    city: Municipality, initiative_policy: object, official: User, make_user: Callable[..., User]
) -> None:
    start = timezone.now() - timedelta(days=20)
    people = [make_user(f"resident{i}", verified_in=city) for i in range(THRESHOLD + 1)]
    initiative = initiatives.initiative_create(
        author=people[-1], municipality=city, title="Benches", body="In the square.", publish=True, now=start
    )
    reach_threshold(initiative, people, now=start + timedelta(days=1))
    initiative = initiatives.initiative_accept(
        official=official,
        initiative=initiative,
        answer="Choose the benches.",
        options=["Wooden benches", "Stone benches"],
        voting_days=7,
        now=start + timedelta(days=5),
    )
    cast(initiative, [(people[0], 0), (people[1], 0), (people[2], 1)])
    rollup_run()
    assert fact("initiatives_adopted") == 0
    assert fact("votes", "poll") == 3

    initiatives.initiative_decide(official=official, initiative=initiative)
    stats = rollup_run()

    assert stats.rows["initiative_outcomes"] == 1
    assert fact("initiatives_adopted") == 1
    assert fact("initiatives_threshold") == 1
    assert rollup_check() == []


def test_polls_deliberations_and_comments(
    city: Municipality,
    make_poll: Callable[..., Poll],
    voter: User,
    municipal_admin: User,
    author: User,
) -> None:
    poll = make_poll()
    poll_vote(user=voter, poll=poll, options=[option_ids(poll)[0]])
    deliberation = open_deliberation(municipal_admin, city, statements=("Seed statement",))
    statement_add(author=voter, deliberation=deliberation, text="More benches by the river")
    seed = deliberation.statements.get(is_seed=True)
    vote_cast(user=voter, deliberation=deliberation, statement=seed, value=1)
    # A changed vote is not a new vote.
    vote_cast(user=voter, deliberation=deliberation, statement=seed, value=-1)
    comment_create(author=author, municipality=city, target=city, body="Купите окна!")

    rollup_run()

    assert fact("votes", "poll") == 1
    assert fact("votes", "deliberation") == 1
    # The organisers' seed statement is not a resident's contribution.
    assert fact("contributions", "statement") == 1
    assert fact("contributions", "comment") == 1
    assert MonthlyParticipant.objects.get(user=voter).actions == 3
    assert not MonthlyParticipant.objects.filter(user=municipal_admin).exists()
    assert rollup_check() == []


def test_rows_added_after_a_run_are_counted_by_the_next_and_a_run_with_nothing_new_writes_nothing(
    city: Municipality, author: User, make_user: Callable[..., User]
) -> None:
    comment_create(author=author, municipality=city, target=city, body="Первый")
    assert rollup_run().rows["comments"] == 1
    assert fact("contributions", "comment") == 1
    comment_create(author=make_user("second"), municipality=city, target=city, body="Второй")
    assert fact("contributions", "comment") == 1

    assert rollup_run().rows["comments"] == 1
    assert fact("contributions", "comment") == 2
    marks = dict(Watermark.objects.values_list("source", "last_id"))
    with CaptureQueriesContext(connection) as queries:
        stats = rollup_run()
    assert stats.total == 0
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []
    assert dict(Watermark.objects.values_list("source", "last_id")) == marks
    assert fact("contributions", "comment") == 2
    assert {s.name for s in sources()} <= set(marks)


def test_check_finds_a_planted_mismatch(city: Municipality, author: User) -> None:
    comment_create(author=author, municipality=city, target=city, body="Окна")
    rollup_run()
    assert rollup_check() == []
    MonthlyFact.objects.filter(metric="contributions").update(value=5)
    MonthlyParticipant.objects.update(actions=2)

    found = rollup_check()

    assert [(m.metric, m.key, m.stored, m.recounted) for m in found] == [
        ("contributions", "comment", 5, 1),
        ("participants", str(author.pk), 2, 1),
    ]
