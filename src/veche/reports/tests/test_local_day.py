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


@pytest.mark.parametrize(("zone", "shown"), [("Europe/Moscow", "23:00"), ("Asia/Novosibirsk", "03:00")])
def test_a_report_page_shows_the_municipality_s_own_time(municipality, resident, submit, client, zone, shown):
    municipality.timezone = zone
    municipality.save()
    report = submit(resident)
    Report.objects.filter(pk=report.pk).update(created_at=EVENING_IN_MOSCOW)
    client.force_login(resident)  # the author sees the report before moderation

    page = client.get(f"/m/{municipality.slug}/reports/{report.pk}/").content.decode()

    filed = page.split('<time datetime="', 1)[1].split("</time>", 1)[0]
    assert filed.endswith(shown), filed
    # A page of another kind right after it, in the same thread, is back on the server's clock.
    assert client.get("/").status_code == 200
    from django.utils import timezone

    assert timezone.get_current_timezone_name() == "Europe/Moscow"
