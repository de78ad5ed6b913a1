"""Deadlines pass at the municipality's midnight, not the server's (Europe/Moscow by default)."""

from datetime import UTC, date, datetime

import pytest

from veche.reports import services
from veche.reports.models import Report, Status

pytestmark = pytest.mark.django_db

# 23:00 on 10 March in Moscow, already 06:00 on 11 March in Vladivostok.
EVENING_IN_MOSCOW = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)


@pytest.mark.parametrize(("zone", "escalated"), [("Europe/Moscow", 0), ("Asia/Vladivostok", 1)])
def test_a_report_due_on_the_tenth_is_overdue_once_the_tenth_is_over_there(
    municipality, resident, routed, zone, escalated
):
    municipality.timezone = zone
    municipality.save()
    report = routed(resident)
    Report.objects.filter(pk=report.pk).update(answer_due=date(2026, 3, 10))

    assert services.reports_escalate_overdue(now=EVENING_IN_MOSCOW) == escalated
    assert (Report.objects.get(pk=report.pk).escalated_at is not None) == bool(escalated)


@pytest.mark.parametrize(("zone", "closed"), [("Europe/Moscow", 0), ("Asia/Vladivostok", 1)])
def test_an_unconfirmed_answer_closes_after_the_last_day_there(
    municipality, resident, resolved, zone, closed
):
    municipality.timezone = zone
    municipality.save()
    report = resolved(resident)
    Report.objects.filter(pk=report.pk).update(confirm_due=date(2026, 3, 10))

    assert services.reports_close_unconfirmed(now=EVENING_IN_MOSCOW) == closed
    assert (Report.objects.get(pk=report.pk).status == Status.CLOSED) == bool(closed)
