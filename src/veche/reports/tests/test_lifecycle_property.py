"""Property test of the lifecycle: no sequence of actions by anyone reaches an invalid state or
changes a report without writing its history, and the map's cell counts always match the reports."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from veche.accounts.models import User
from veche.core.errors import DomainError
from veche.core.testing import build_municipality, jpeg_bytes
from veche.moderation.services import content_hide, content_restore
from veche.municipalities.models import Category, Department, Membership
from veche.reports import mapcells, services
from veche.reports.lifecycle import TRANSITIONS
from veche.reports.models import Report, ReportEvent, Status

ROLES = ["author", "moderator", "official", "other_official", "stranger"]
ACTIONS = [
    "moderate",
    "decline",
    "reassign",
    "start",
    "resolve",
    "reject",
    "confirm",
    "dispute",
    "close_unconfirmed",
    "escalate",
    "hide",
    "restore",
    "advance_map",
]


def person(username: str) -> User:
    return User.objects.create(
        username=username, email=f"{username}@example.org", email_confirmed_at=timezone.now()
    )


class LifecycleProperties(TestCase):
    def setUp(self) -> None:
        self.municipality = build_municipality()
        self.roads = self.municipality.departments.get()
        self.parks = Department.objects.create(municipality=self.municipality, name="Парки", name_en="Parks")
        self.category = Category.objects.create(
            municipality=self.municipality,
            department=self.roads,
            slug="light",
            name="Свет",
            answer_days=3,
        )
        self.people = {role: person(role) for role in ROLES}
        Membership.objects.create(
            user=self.people["moderator"], municipality=self.municipality, role="moderator"
        )
        Membership.objects.create(
            user=self.people["official"],
            municipality=self.municipality,
            role="official",
            department=self.roads,
        )
        Membership.objects.create(
            user=self.people["other_official"],
            municipality=self.municipality,
            role="official",
            department=self.parks,
        )

    def act(self, report: Report, action: str, role: str, day: int) -> None:
        who = self.people[role]
        now = timezone.now() + timedelta(days=day)
        photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
        calls = {
            "moderate": lambda: services.report_moderate(moderator=who, report=report, now=now),
            "decline": lambda: services.report_decline(moderator=who, report=report, reason="no", now=now),
            "reassign": lambda: services.report_reassign(
                official=who,
                report=report,
                reason="theirs",
                now=now,
                department=self.parks if report.department_id == self.roads.pk else self.roads,
            ),
            "start": lambda: services.report_start(official=who, report=report, now=now),
            "resolve": lambda: services.report_resolve(
                official=who, report=report, answer="ok", photos=[photo], now=now
            ),
            "reject": lambda: services.report_reject(official=who, report=report, reason="no", now=now),
            "confirm": lambda: services.report_confirm(author=who, report=report, now=now),
            "dispute": lambda: services.report_dispute(author=who, report=report, reason="still", now=now),
            "close_unconfirmed": lambda: services.reports_close_unconfirmed(now=now),
            "escalate": lambda: services.reports_escalate_overdue(now=now),
            "hide": lambda: content_hide(moderator=who, content=report, reason="rude"),
            "restore": lambda: content_restore(moderator=who, content=report, reason="fine"),
            "advance_map": lambda: services.reports_map_advance(now=now),
        }
        calls[action]()

    def check_history(self, report: Report) -> None:
        events = list(ReportEvent.objects.filter(report=report).order_by("created_at", "id"))
        assert events[0].kind == "submitted" and events[0].to_status == Status.SUBMITTED
        previous = Status.SUBMITTED
        for event in events[1:]:
            assert event.from_status == previous, (event.kind, event.from_status, previous)
            if event.kind != "escalated":
                assert event.from_status != event.to_status or event.kind == "reassigned"
            previous = event.to_status
        assert previous == report.status

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(ROLES), st.integers(0, 40)), max_size=12)
    )
    def test_no_sequence_breaks_the_lifecycle(self, steps: list[tuple[str, str, int]]) -> None:
        # A second report in the same cells, so that moving one must leave the other's count alone.
        report, neighbour = (
            services.report_submit(
                author=self.people["author"],
                municipality=self.municipality,
                category=self.category,
                latitude=55.75 + shift,
                longitude=37.61 + shift,
                description="Dark street",
            )
            for shift in (0, 0.0001)
        )
        services.report_moderate(moderator=self.people["moderator"], report=neighbour)
        day = 0
        for action, role, gap in steps:
            day += gap
            before = Report.objects.get(pk=report.pk)
            events_before = ReportEvent.objects.filter(report=report).count()
            try:
                self.act(before, action, role, day)
            except DomainError:
                after = Report.objects.get(pk=report.pk)
                assert (after.status, after.department_id, after.updated_at) == (
                    before.status,
                    before.department_id,
                    before.updated_at,
                )
                assert ReportEvent.objects.filter(report=report).count() == events_before
                continue
            after = Report.objects.get(pk=report.pk)
            if action in TRANSITIONS and after.status != before.status:
                assert before.status in TRANSITIONS[action].sources
            assert after.status in Status.values
            if after.status != before.status:
                assert ReportEvent.objects.filter(report=report).count() > events_before
            self.check_history(after)
            assert mapcells.differences(self.municipality) == []
