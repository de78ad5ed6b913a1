"""The report lifecycle: every path through it, who may take each step, and the history it leaves."""

from datetime import timedelta

import pytest
from django.utils import timezone

from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.reports import services
from veche.reports.models import Report, ReportEvent, Status


def history(report: Report) -> list[tuple[str, str, str]]:
    return list(ReportEvent.objects.filter(report=report).values_list("kind", "from_status", "to_status"))


@pytest.mark.django_db
def test_full_cycle_to_closure(submit, resident, moderator, official, photo):
    report = submit(resident)
    assert report.status == Status.SUBMITTED
    services.report_moderate(moderator=moderator, report=report)
    report.refresh_from_db()
    assert report.status == Status.ROUTED
    assert report.department_id == official.memberships.get().department_id
    services.report_start(official=official, report=report)
    services.report_resolve(official=official, report=report, answer="Fixed the lamp", photos=[photo()])
    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    assert report.confirm_due == timezone.localdate() + timedelta(days=15)
    assert report.photos.filter(kind="answer").count() == 1
    services.report_confirm(author=resident, report=report)
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert history(report) == [
        ("submitted", "", "submitted"),
        ("moderated", "submitted", "moderated"),
        ("routed", "moderated", "routed"),
        ("started", "routed", "in_progress"),
        ("resolved", "in_progress", "resolved"),
        ("confirmed", "resolved", "closed"),
    ]


@pytest.mark.django_db
def test_dispute_reopens_with_a_new_deadline(submit, resident, moderator, official, photo):
    report = submit(resident)
    services.report_moderate(moderator=moderator, report=report)
    services.report_resolve(official=official, report=report, answer="Done", photos=[photo()])
    later = timezone.now() + timedelta(days=3)
    services.report_dispute(author=resident, report=report, reason="Still dark", now=later)
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert report.answer_due > timezone.localdate(later)
    assert report.confirm_due is None


@pytest.mark.django_db
def test_author_cannot_confirm_after_fifteen_days(submit, resident, moderator, official, photo):
    report = submit(resident)
    services.report_moderate(moderator=moderator, report=report)
    services.report_resolve(official=official, report=report, answer="Done", photos=[photo()])
    with pytest.raises(Conflict):
        services.report_confirm(author=resident, report=report, now=timezone.now() + timedelta(days=16))
    assert Report.objects.get(pk=report.pk).status == Status.RESOLVED
    assert services.reports_close_unconfirmed(now=timezone.now() + timedelta(days=16)) == 1
    assert Report.objects.get(pk=report.pk).status == Status.CLOSED


@pytest.mark.django_db
def test_resolving_needs_a_photo_and_an_answer(submit, resident, moderator, official):
    report = submit(resident)
    services.report_moderate(moderator=moderator, report=report)
    with pytest.raises(DomainError) as error:
        services.report_resolve(official=official, report=report, answer="Done")
    assert "photos" in error.value.fields
    with pytest.raises(DomainError) as error:
        services.report_reject(official=official, report=report, reason="  ")
    assert "note" in error.value.fields
    assert Report.objects.get(pk=report.pk).status == Status.ROUTED
    assert history(report)[-1][0] == "routed"


@pytest.mark.django_db
def test_wrong_people_cannot_take_steps(submit, resident, make_user, moderator, official, municipality):
    other = make_user("neighbour")
    report = submit(resident)
    # Before moderation the report is private: others do not even see it.
    with pytest.raises(NotFound):
        services.report_moderate(moderator=other, report=report)
    services.report_moderate(moderator=moderator, report=report)
    with pytest.raises(Forbidden):
        services.report_start(official=resident, report=report)
    with pytest.raises(Forbidden):
        services.report_start(official=moderator, report=report)
    services.report_start(official=official, report=report)
    assert Report.objects.get(pk=report.pk).status == Status.IN_PROGRESS


@pytest.mark.django_db
def test_moderator_declines_with_a_reason(submit, resident, moderator):
    report = submit(resident)
    with pytest.raises(DomainError):
        services.report_decline(moderator=moderator, report=report, reason="")
    services.report_decline(moderator=moderator, report=report, reason="Not a city matter")
    report.refresh_from_db()
    assert report.status == Status.DECLINED
    with pytest.raises(Conflict):
        services.report_moderate(moderator=moderator, report=report)


@pytest.mark.django_db
def test_reassign_to_another_department(submit, resident, moderator, official, municipality):
    from veche.municipalities.models import Department

    parks = Department.objects.create(municipality=municipality, name="Парки", name_en="Parks")
    report = services.report_moderate(moderator=moderator, report=submit(resident))
    with pytest.raises(DomainError):
        services.report_reassign(official=official, report=report, department=report.department, reason="x")
    services.report_reassign(official=official, report=report, department=parks, reason="Parks own this lamp")
    report.refresh_from_db()
    assert report.department == parks
    # The first department's official no longer handles it.
    with pytest.raises(Forbidden):
        services.report_start(official=official, report=report)


@pytest.mark.django_db
def test_overdue_reports_escalate_once(submit, resident, moderator, municipal_admin):
    report = submit(resident)
    services.report_moderate(moderator=moderator, report=report)
    late = timezone.now() + timedelta(days=30)
    assert services.reports_escalate_overdue(now=late) == 1
    assert services.reports_escalate_overdue(now=late) == 0
    assert municipal_admin.notifications.filter(kind="report.overdue").count() == 1
    assert ReportEvent.objects.filter(report=report, kind="escalated").count() == 1


@pytest.mark.django_db
def test_a_report_answered_while_the_tick_runs_is_not_escalated(
    submit, resident, moderator, official, municipal_admin, monkeypatch
):
    """The tick reads the overdue pks, then claims each; the official answers in between."""
    report = submit(resident)
    services.report_moderate(moderator=moderator, report=report)
    late = timezone.now() + timedelta(days=30)
    read_overdue = services.overdue
    calls = []

    def answer_before_the_claim(reports, *, today):
        calls.append(today)
        if len(calls) == 2:  # the first read the list; this one builds the claim
            services.report_reject(official=official, report=report, reason="Not ours", now=late)
        return read_overdue(reports, today=today)

    monkeypatch.setattr(services, "overdue", answer_before_the_claim)

    assert services.reports_escalate_overdue(now=late) == 0

    assert len(calls) == 2  # the report was on the list the tick read
    report.refresh_from_db()
    assert report.status == Status.REJECTED and report.escalated_at is None
    assert not municipal_admin.notifications.filter(kind="report.overdue").exists()
    assert not ReportEvent.objects.filter(report=report, kind="escalated").exists()


@pytest.mark.django_db
def test_a_report_answered_again_while_closing_runs_keeps_its_new_window(
    submit, resident, moderator, official, photo, monkeypatch
):
    """The closing tick reads the expired windows, then locks each report; in between the author
    disputes and the official answers again, which opens a new window of 15 days."""
    report = submit(resident)
    services.report_moderate(moderator=moderator, report=report)
    services.report_resolve(official=official, report=report, answer="Done", photos=[photo()])
    tick = timezone.now() + timedelta(days=16)
    meanwhile = timezone.now() + timedelta(days=10)
    atomic = services.transaction.atomic
    interleaved = []

    class Transaction:
        @staticmethod
        def atomic(*args, **kwargs):
            if not interleaved:
                interleaved.append(True)
                services.report_dispute(author=resident, report=report, reason="Still dark", now=meanwhile)
                services.report_resolve(
                    official=official, report=report, answer="Fixed now", photos=[photo()], now=meanwhile
                )
            return atomic(*args, **kwargs)

    monkeypatch.setattr(services, "transaction", Transaction)

    assert services.reports_close_unconfirmed(now=tick) == 0

    assert interleaved  # the report was on the list the tick read
    report.refresh_from_db()
    assert report.status == Status.RESOLVED and report.confirm_due > timezone.localdate(tick)


@pytest.mark.django_db
def test_support_counts_once_and_not_for_the_author(submit, resident, verified_resident, moderator):
    report = submit(resident)
    with pytest.raises(Conflict):  # not public yet
        services.report_support(user=verified_resident, report=report)
    services.report_moderate(moderator=moderator, report=report)
    assert services.report_support(user=verified_resident, report=report) is True
    assert services.report_support(user=verified_resident, report=report) is False
    with pytest.raises(Conflict):
        services.report_support(user=resident, report=report)
    assert Report.objects.get(pk=report.pk).supporters_count == 1


@pytest.mark.django_db
def test_photos_are_reencoded_without_gps(submit, resident, photo, municipality):
    from PIL import Image

    report = submit(resident, photos=[photo(exif_gps=True)])
    stored = report.photos.get()
    assert stored.image.name.startswith(f"reports/{municipality.pk}/")
    assert "pothole" not in stored.image.name
    with stored.image.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"latitude": 91}, "latitude"),
        ({"longitude": -181}, "longitude"),
        ({"latitude": "north"}, "latitude"),
        ({"description": "x" * 4001}, "description"),
        ({"description": "   "}, "description"),
        ({"address": "a" * 301}, "address"),
    ],
)
def test_bad_input_stores_nothing(submit, resident, fields, field):
    with pytest.raises(DomainError) as error:
        submit(resident, **fields)
    assert field in error.value.fields
    assert Report.objects.count() == 0


@pytest.mark.django_db
def test_broken_image_stores_nothing(submit, resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    broken = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff not really a jpeg", content_type="image/jpeg")
    with pytest.raises(DomainError) as error:
        submit(resident, photos=[broken])
    assert "photos" in error.value.fields
    assert Report.objects.count() == 0
