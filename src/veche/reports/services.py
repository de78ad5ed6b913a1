"""Every write to problem reports: submit, moderate, route, answer, confirm or dispute, support."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.access.functions import is_author
from veche.access.predicates import Feature, Phase, allows
from veche.access.roles import ADMIN, Tier
from veche.accounts.models import User
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.geo import point_in_geometry
from veche.core.images import reencode_image
from veche.core.sanitize import plain_text
from veche.core.text import check_text, visible_length
from veche.municipalities.models import Category, Department, District, Membership, Municipality
from veche.municipalities.selectors import municipality_add_working_days, municipality_contains
from veche.municipalities.zones import local_day
from veche.notifications.messages import Message, message
from veche.notifications.services import follow, notify, notify_followers
from veche.recognition.models import Action as Recognised
from veche.recognition.services import points_award
from veche.reports import mapcells
from veche.reports.access import can_handle_report, can_moderate_reports, can_see_report
from veche.reports.lifecycle import CONFIRM_DAYS, TRANSITIONS, Actor
from veche.reports.models import (
    ANSWERED,
    AWAITING_ANSWER,
    PUBLIC,
    Report,
    ReportEvent,
    ReportPhoto,
    ReportSupport,
    RoutingRule,
    Source,
    Status,
)
from veche.reports.selectors import overdue

MAX_PHOTOS = 5
# "Яма" alone tells the official nothing the category does not; a sentence does.
MIN_DESCRIPTION = 10
REPORTING = Phase(
    name="reporting", features=frozenset({Feature.SUBMIT, Feature.SUPPORT}), tier=Tier.REGISTERED
)


def report_url(report: Report) -> str:
    return reverse("reports:detail", args=[report.municipality.slug, report.pk])


def _check_point(latitude: Any, longitude: Any) -> tuple[float, float]:
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise DomainError(fields={"latitude": [_("Choose the place on the map.")]}) from None
    errors = {}
    if not -90 <= lat <= 90 or lat != lat:
        errors["latitude"] = [_("Latitude must be between -90 and 90.")]
    if not -180 <= lon <= 180 or lon != lon:
        errors["longitude"] = [_("Longitude must be between -180 and 180.")]
    if errors:
        raise DomainError(_("The place is outside the map."), fields=errors)
    return lat, lon


def _check_inside(municipality: Municipality, lat: float, lon: float) -> None:
    if not municipality_contains(municipality, lat, lon):
        message = _("This place is outside %(city)s.") % {"city": municipality.title}
        raise DomainError(message, fields={"latitude": [message]})


def _check_description(description: str) -> str:
    """The description stripped, or a refusal: empty, too long, or too short to say anything."""
    description = check_text(description, "description", required=True)
    if visible_length(description) < MIN_DESCRIPTION:
        raise DomainError(
            fields={
                "description": [
                    _("Describe the problem in a few words: at least %(n)d characters.")
                    % {"n": MIN_DESCRIPTION}
                ]
            }
        )
    return description


def _district_for(municipality: Municipality, lat: float, lon: float) -> District | None:
    for district in municipality.districts.exclude(polygon=None):
        if point_in_geometry(lon, lat, district.polygon):
            return district
    return None


def _department_for(category: Category, district: District | None) -> Department:
    if district is not None:
        rule = (
            RoutingRule.objects.filter(category=category, district=district)
            .select_related("department")
            .first()
        )
        if rule is not None:
            return rule.department
    return category.department


def _event(
    report: Report, kind: str, *, actor: User | None, from_status: str, note: str, now: datetime
) -> None:
    ReportEvent.objects.create(
        report=report,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=report.status,
        department=report.department,
        note=note,
        created_at=now,
    )


def _transition(
    report: Report,
    action: str,
    *,
    actor: User | None,
    note: str = "",
    now: datetime,
    also: dict[str, Any] | None = None,
) -> None:
    """Move `report` by `action` (setting the fields in `also` with it) and record the step; refuse
    an action its status does not allow."""
    transition = TRANSITIONS[action]
    if report.status not in transition.sources:
        raise Conflict(
            _("This cannot be done while the report is “%(status)s”.")
            % {"status": Status(report.status).label},
            code="invalid_transition",
        )
    if transition.needs_note:
        note = check_text(note, "note", required=True)
    from_status = report.status
    day = mapcells.overdue_day(report.municipality_id)
    was = mapcells.key_of(report, day)
    report.status = transition.target
    report.updated_at = now
    for field, value in (also or {}).items():
        setattr(report, field, value)
    # The map's cell counts follow the step in the caller's transaction, in one move.
    mapcells.move(was, mapcells.key_of(report, day))
    _event(report, transition.event, actor=actor, from_status=from_status, note=note, now=now)


def _notify_change(report: Report, title: Message, body: str = "", exclude: User | None = None) -> None:
    notify_followers(
        target=report,
        kind="report.changed",
        title=title,
        body=body,
        url=report_url(report),
        exclude=exclude,
    )


def _locked(report: Report) -> Report:
    # Lock the report row only: PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join to the department.
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("municipality", "category", "department")
        .get(pk=report.pk)
    )


def _require(user: User | None, report: Report, actor: Actor) -> None:
    if actor is Actor.SYSTEM:
        return
    if user is None or not can_see_report(user, report):
        raise NotFound()
    allowed = {
        Actor.MODERATOR: lambda: can_moderate_reports(user, report.municipality),
        Actor.OFFICIAL: lambda: can_handle_report(user, report),
        Actor.AUTHOR: lambda: is_author(user, report),
    }[actor]()
    if not allowed:
        raise Forbidden()


def report_submit(
    *,
    author: User | None,
    municipality: Municipality,
    category: Category,
    latitude: Any,
    longitude: Any,
    description: str,
    address: str = "",
    photos: Sequence[UploadedFile] = (),
    district: District | None = None,
    source: str = Source.WEB,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
    device_id: str = "",
    attributes: dict[str, Any] | None = None,
    photo_link: bool = False,
    now: datetime | None = None,
) -> Report:
    """File a report. A person files it with a confirmed account; Open311 clients may file for others.

    `photo_link`: an Open311 client sent the photo as a link (media_url) rather than a file.
    """
    now = now or timezone.now()
    if author is not None:
        decision = allows(author, municipality, Feature.SUBMIT, REPORTING)
        if not decision:
            raise Forbidden(decision.reason)
    elif source != Source.OPEN311:
        raise Forbidden(_("Log in to report a problem."))
    if category.municipality_id != municipality.pk or not category.is_active:
        raise DomainError(fields={"category": [_("Choose a category from the list.")]})
    if not category.in_season(local_day(municipality, now).month):
        raise DomainError(fields={"category": [_("Reports of this kind are taken only in season.")]})
    lat, lon = _check_point(latitude, longitude)
    _check_inside(municipality, lat, lon)
    # An Open311 client may send no description; the Open311 service checks one it does send.
    description = (
        check_text(description, "description", required=True)
        if source == Source.OPEN311
        else _check_description(description)
    )
    address = plain_text(check_text(address, "address", required=False, limit=300))
    if len(photos) > MAX_PHOTOS:
        raise DomainError(fields={"photos": [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
    if category.photo_required and not photos and not photo_link:
        raise DomainError(fields={"photos": [_("This category needs a photo of the problem.")]})
    if district is not None and district.municipality_id != municipality.pk:
        raise DomainError(fields={"district": [_("Choose a district of this municipality.")]})
    # Re-encode every photo before writing anything, so a broken file leaves no report behind.
    encoded = [reencode_image(upload) for upload in photos]
    day = local_day(municipality, now)
    with transaction.atomic():
        report = Report.objects.create(
            municipality=municipality,
            category=category,
            author=author,
            source=source,
            district=district or _district_for(municipality, lat, lon),
            description=description,
            address=address,
            latitude=lat,
            longitude=lon,
            created_at=now,
            updated_at=now,
            moderation_due=municipality_add_working_days(
                municipality=municipality, start=day, days=category.moderation_days
            ),
            answer_due=municipality_add_working_days(
                municipality=municipality, start=day, days=category.answer_days
            ),
            reporter_name=reporter_name[:200],
            reporter_email=reporter_email[:254],
            reporter_phone=reporter_phone[:50],
            device_id=device_id[:100],
            attributes=attributes or {},
        )
        for content in encoded:
            ReportPhoto.objects.create(report=report, kind=ReportPhoto.Kind.REPORT, image=content)
        _event(report, "submitted", actor=author, from_status="", note="", now=now)
        if author is not None:
            follow(user=author, target=report)
    return report


def report_moderate(*, moderator: User, report: Report, now: datetime | None = None) -> Report:
    """Pass a report through moderation; it is routed to its department at once."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        _require(moderator, report, Actor.MODERATOR)
        _transition(report, "moderate", actor=moderator, now=now)
        report.department = _department_for(report.category, report.district)
        _transition(report, "route", actor=None, now=now)
        report.save()
        _notify_change(
            report, message(gettext_noop("Report #{} was sent to {}"), report.pk, report.department)
        )
        _notify_officials(report)
    return report


def _notify_officials(report: Report) -> None:
    officials = User.objects.filter(
        memberships__municipality=report.municipality,
        memberships__role=Membership.Role.OFFICIAL,
        memberships__department=report.department,
    )
    notify(
        recipients=officials,
        kind="report.routed",
        title=message(gettext_noop("New report #{} for your department"), report.pk),
        body=report.description[:500],
        url=report_url(report),
    )


def report_decline(*, moderator: User, report: Report, reason: str, now: datetime | None = None) -> Report:
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        _require(moderator, report, Actor.MODERATOR)
        _transition(report, "decline", actor=moderator, note=reason, now=now)
        report.closed_at = now
        report.save()
        _notify_change(report, message(gettext_noop("Report #{} was declined"), report.pk), reason)
    return report


def report_reassign(
    *, official: User, report: Report, department: Department, reason: str, now: datetime | None = None
) -> Report:
    """Hand a report to another department of the municipality, saying why."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        _require(official, report, Actor.OFFICIAL)
        if department.municipality_id != report.municipality_id:
            raise DomainError(fields={"department": [_("Choose a department of this municipality.")]})
        if department.pk == report.department_id:
            raise DomainError(fields={"department": [_("The report is already with this department.")]})
        report.department = department
        _transition(report, "reassign", actor=official, note=reason, now=now)
        report.save()
        _notify_change(
            report, message(gettext_noop("Report #{} was sent to {}"), report.pk, department), reason
        )
        _notify_officials(report)
    return report


def report_start(*, official: User, report: Report, now: datetime | None = None) -> Report:
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        _require(official, report, Actor.OFFICIAL)
        _transition(report, "start", actor=official, now=now)
        report.save()
        _notify_change(report, message(gettext_noop("Work on report #{} has started"), report.pk))
    return report


def _answer(
    action: str, *, official: User, report: Report, answer: str, photos: Sequence[UploadedFile], now: datetime
) -> Report:
    answer = check_text(answer, "note", required=True)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(fields={"photos": [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
    if action == "resolve" and not photos and not report.photos.filter(kind=ReportPhoto.Kind.ANSWER).exists():
        raise DomainError(fields={"photos": [_("Add a photo of the result.")]})
    encoded = [reencode_image(upload) for upload in photos]
    with transaction.atomic():
        report = _locked(report)
        _require(official, report, Actor.OFFICIAL)
        _transition(report, action, actor=official, note=answer, now=now)
        report.answer = answer
        report.answered_at = now
        report.confirm_due = local_day(report.municipality, now) + timedelta(days=CONFIRM_DAYS)
        report.save()
        for content in encoded:
            ReportPhoto.objects.create(report=report, kind=ReportPhoto.Kind.ANSWER, image=content)
        title = (
            gettext_noop("Report #{} is resolved")
            if action == "resolve"
            else gettext_noop("Report #{} was rejected")
        )
        _notify_change(report, message(title, report.pk), answer)
    return report


def report_resolve(
    *,
    official: User,
    report: Report,
    answer: str,
    photos: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Report:
    """Answer that the problem is fixed, with a photo of the result."""
    return _answer(
        "resolve", official=official, report=report, answer=answer, photos=photos, now=now or timezone.now()
    )


def report_reject(
    *,
    official: User,
    report: Report,
    reason: str,
    photos: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Report:
    """Answer that the department will not fix it, with the reasons."""
    return _answer(
        "reject", official=official, report=report, answer=reason, photos=photos, now=now or timezone.now()
    )


def _author_window(report: Report, now: datetime) -> None:
    if report.confirm_due is not None and local_day(report.municipality, now) > report.confirm_due:
        raise Conflict(
            _("The %(n)d days to confirm or dispute the answer have passed.") % {"n": CONFIRM_DAYS}
        )


def _recognise_fix(report: Report, *, was: str, now: datetime) -> None:
    """A report closed after its answer that it is fixed, confirmed by its author or left undisputed,
    earns its author points (`recognition`); a rejected one does not."""
    if was == Status.RESOLVED and report.author is not None:
        points_award(
            user=report.author,
            municipality=report.municipality,
            action=Recognised.REPORT_FIXED,
            subject=report,
            now=now,
        )


def report_confirm(*, author: User, report: Report, now: datetime | None = None) -> Report:
    """The author agrees the answer settles it; the report closes."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        _require(author, report, Actor.AUTHOR)
        _author_window(report, now)
        was = report.status
        _transition(report, "confirm", actor=author, now=now)
        report.closed_at = now
        report.save()
        _recognise_fix(report, was=was, now=now)
        _notify_change(report, message(gettext_noop("Report #{} is closed"), report.pk), exclude=author)
    return report


def report_dispute(*, author: User, report: Report, reason: str, now: datetime | None = None) -> Report:
    """The author says the problem is still there; the report reopens with a new deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        _require(author, report, Actor.AUTHOR)
        _author_window(report, now)
        # A new deadline, set with the step, so that the map moves the report once.
        answer_due = municipality_add_working_days(
            municipality=report.municipality,
            start=local_day(report.municipality, now),
            days=report.category.answer_days,
        )
        also = {"confirm_due": None, "escalated_at": None, "answer_due": answer_due}
        _transition(report, "dispute", actor=author, note=reason, now=now, also=also)
        report.save()
        _notify_change(
            report,
            message(gettext_noop("Report #{} was disputed and reopened"), report.pk),
            reason,
            exclude=author,
        )
        _notify_officials(report)
    return report


def reports_close_unconfirmed(*, now: datetime | None = None) -> int:
    """Close answered reports whose author neither confirmed nor disputed in time."""
    now = now or timezone.now()
    closed = 0
    # Each municipality's own day: a confirmation window ends at its midnight.
    days = {m.pk: local_day(m, now) for m in Municipality.objects.order_by("pk")}
    due = [
        (pk, today)
        for municipality_id, today in days.items()
        for pk in Report.objects.filter(
            municipality_id=municipality_id, status__in=ANSWERED, confirm_due__lt=today
        ).values_list("pk", flat=True)
    ]
    for pk, today in due:
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=pk)
            # Disputed and answered again since the list was read: a new window runs.
            if report.status not in ANSWERED or report.confirm_due is None or report.confirm_due >= today:
                continue
            was = report.status
            _transition(report, "close", actor=None, now=now)
            report.closed_at = now
            report.save()
            _recognise_fix(report, was=was, now=now)
            closed += 1
    return closed


def reports_map_advance(*, now: datetime | None = None) -> int:
    """Move every municipality's map overdue day to today; returns how many reports became overdue."""
    now = now or timezone.now()
    return sum(
        mapcells.advance_overdue_day(municipality, local_day(municipality, now))
        for municipality in Municipality.objects.order_by("pk")
    )


def reports_escalate_overdue(*, now: datetime | None = None) -> int:
    """Flag reports past their answer deadline, once each, and tell the municipal admins."""
    now = now or timezone.now()
    escalated = 0
    # Each municipality's own day: a deadline passes at its midnight.
    days = {m.pk: local_day(m, now) for m in Municipality.objects.order_by("pk")}
    due = [
        (pk, today)
        for municipality_id, today in days.items()
        for pk in overdue(
            Report.objects.filter(municipality_id=municipality_id, escalated_at__isnull=True), today=today
        ).values_list("pk", flat=True)
    ]
    for pk, today in due:
        with transaction.atomic():
            # Claim the row, still overdue: of two workers running this at once only one escalates
            # it, and a report answered since the list was read is not escalated.
            claim = overdue(Report.objects.filter(pk=pk, escalated_at__isnull=True), today=today)
            if not claim.update(escalated_at=now):
                continue
            report = Report.objects.select_related("municipality").get(pk=pk)
            _event(report, "escalated", actor=None, from_status=report.status, note="", now=now)
            admins = User.objects.filter(
                memberships__municipality=report.municipality, memberships__role=ADMIN
            )
            notify(
                recipients=admins,
                kind="report.overdue",
                title=message(gettext_noop("Report #{} is overdue"), report.pk),
                body=message(gettext_noop("The answer was due on {}."), report.answer_due),
                url=report_url(report),
            )
            escalated += 1
    return escalated


def report_support(*, user: User, report: Report) -> bool:
    """ "Me too": count the person once however often (and however simultaneously) they press it.

    Returns True when this call added the support, False when it was there already.
    """
    decision = allows(user, report.municipality, Feature.SUPPORT, REPORTING)
    if not decision:
        raise Forbidden(decision.reason)
    with transaction.atomic():
        # The report's row is locked, as every step of its lifecycle locks it: an answer, a decline or
        # a hiding cannot come between the check that it is open and the support counted.
        report = _locked(report)
        if report.status not in PUBLIC or report.is_hidden or report.status not in AWAITING_ANSWER:
            raise Conflict(_("Only open reports can be supported."))
        if report.author_id == user.pk:
            raise Conflict(_("This is your own report."))
        try:
            with transaction.atomic():
                ReportSupport.objects.create(report=report, user=user)
        except IntegrityError:
            return False
        Report.objects.filter(pk=report.pk).update(supporters_count=F("supporters_count") + 1)
    follow(user=user, target=report)
    return True
