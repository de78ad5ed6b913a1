""" "Me too" on a report pressed at the same moment through the API (with and without an Idempotency-Key)
and the report's page, each request in its own thread and database connection; and a "me too" racing
the department's answer that closes the report to support. One person's burst is in
test_report_support.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from tests.concurrency.clients import api_post, page_post, server_errors, statuses
from veche.accounts.models import User
from veche.core.errors import Conflict
from veche.core.testing import race, unexpected
from veche.municipalities.models import Municipality
from veche.reports import services
from veche.reports.models import Report, ReportSupport, Status

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_one_person_many_times_and_others_once_through_the_api_and_the_page_count_once_each(
    municipality: Municipality, resident: User, routed: Callable[..., Report], make_user: Callable[..., User]
) -> None:
    report = routed(resident)
    api = f"/api/v1/municipalities/{municipality.slug}/reports/{report.pk}/support"
    page = f"/m/{municipality.slug}/reports/{report.pk}/support/"
    eager, *others = [make_user(f"neighbour{i}") for i in range(6)]
    keyed = api_post(eager, api, key="me-too")
    burst = [
        api_post(eager, api),
        api_post(eager, api),
        keyed,
        keyed,
        page_post(eager, page),
        page_post(eager, page),
    ]
    singles = [(api_post if i % 2 else page_post)(p, api if i % 2 else page) for i, p in enumerate(others)]

    answers, errors = race(burst + singles)

    assert not errors, unexpected(errors)
    assert not server_errors(answers), statuses(answers)
    mine, theirs = answers[: len(burst)], answers[len(burst) :]
    # The API answers 200 whether the press counted or was there already (409: a keyed twin still
    # runs); the page goes back to the report.
    assert set(statuses(mine[:4])) <= {200, 409} and statuses(mine[4:]) == [302, 302], statuses(mine)
    # One press counted at most: a keyed twin that waited for the first replays its answer.
    assert sum(a.status == 200 and a.body["supported"] and not a.replayed for a in mine[:4]) <= 1
    assert statuses(theirs) == [200] * 2 + [302] * 3
    report.refresh_from_db()
    rows = ReportSupport.objects.filter(report=report)
    assert report.supporters_count == rows.count() == 6
    assert sorted(rows.values_list("user", flat=True)) == sorted(p.pk for p in [eager, *others])


def test_a_me_too_that_read_the_report_open_is_not_counted_after_the_answer_closes_it(
    resident: User,
    routed: Callable[..., Report],
    official: User,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The press reads the report (open), then the official rejects it, then the press goes on: the
    press must not count on a report that no longer takes support. Made to go this way in two threads
    every time: the press waits between its read and its write for the rejection, which it sees only
    if nothing made the rejection wait for the press (a lock on the report's row does)."""
    report = routed(resident)
    neighbour = make_user("neighbour")
    read, rejected = threading.Event(), threading.Event()
    saw: list[bool] = []
    is_hidden = Report.is_hidden

    def reading(self: Report) -> bool:
        if threading.current_thread().name == "race-0" and not read.is_set():
            read.set()
            saw.append(rejected.wait(timeout=2))
        return bool(is_hidden.fget(self))  # type: ignore[attr-defined]

    monkeypatch.setattr(Report, "is_hidden", property(reading))

    def press() -> bool:
        return services.report_support(user=neighbour, report=report)

    def reject() -> Report:
        assert read.wait(timeout=30)
        answered = services.report_reject(official=official, report=report, reason="Not ours to fix.")
        rejected.set()
        return answered

    results, errors = race([press, reject])

    assert not unexpected(errors, (Conflict,)), unexpected(errors, (Conflict,))
    report.refresh_from_db()
    assert report.status == Status.REJECTED
    counted = ReportSupport.objects.filter(report=report).count()
    assert report.supporters_count == counted
    # Counted only if the rejection had not happened by then; refused (409) otherwise.
    assert saw == [False] if counted else errors, (saw, results, errors)
