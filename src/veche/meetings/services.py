"""Every write to meetings: the organisers create, change and cancel a meeting and publish its
minutes; residents register for a place (or the waiting list) and cancel it.

Registration is open from the announcement (or the meeting's `registration_opens`) until the meeting
starts, whatever stage of the project runs then: meetings are announced ahead, often during the
stage before the one they belong to, and a place at an event is not a contribution that a stage
opens and closes. So registering checks the project's own rules, not the stage's: its tier, through
`allows` on `REGISTRATION` (a phase that opens REGISTER with the project's tier), and its districts.

Every registration and cancellation locks the meeting's row first, so the places, the waiting list
and the counters are exact however many people press at once: confirmed while places remain, then
on the waiting list (positions 1..n, without gaps); a cancelled place goes to the first in line in
the same transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.access.predicates import Decision, Feature, Phase, admits_district, allows
from veche.access.roles import Tier, verified_district
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden
from veche.core.moments import check_moment
from veche.core.text import check_text
from veche.crowdprojects.access import require_run
from veche.crowdprojects.models import Idea, Project, Stage
from veche.meetings.models import (
    ADDRESS_MAX_LENGTH,
    CAPACITY_MAX,
    HAS_LINK,
    HAS_PLACE,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    Kind,
    Meeting,
    MeetingIdea,
    Registration,
    RegistrationStatus,
)
from veche.meetings.selectors import SHOWN_IDEAS
from veche.municipalities.selectors import municipality_contains
from veche.municipalities.zones import zone_of
from veche.notifications.messages import message
from veche.notifications.services import notify

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


def meeting_url(meeting: Meeting) -> str:
    return meeting.get_absolute_url()


def registration_phase(project: Project) -> Phase:
    """What registering for a project's meeting asks: REGISTER open, with the project's tier."""
    return Phase(name="meeting_registration", features=frozenset({Feature.REGISTER}), tier=Tier(project.tier))


def registration_decision(user: Any, meeting: Meeting) -> Decision:
    """Whether who `user` is lets them register: the project's tier, then its districts."""
    project = meeting.project
    decision = allows(user, project.municipality, Feature.REGISTER, registration_phase(project))
    if not decision:
        return decision
    scope = set(project.districts.values_list("pk", flat=True))
    if not admits_district(scope, verified_district(user=user, municipality=project.municipality)):
        return Decision(False, _("Only residents verified in the project's districts can register."))
    return decision


def _when(meeting: Meeting, moment: datetime) -> str:
    local = timezone.localtime(moment, zone_of(meeting.project.municipality))
    return formats.date_format(local, "DATETIME_FORMAT")


# Checking what the organiser types.


@dataclass(frozen=True)
class Fields:
    stage: Stage | None
    title: str
    description: str
    kind: str
    address: str
    latitude: float | None
    longitude: float | None
    online_url: str
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    registration_opens: datetime | None


def _check_point(project: Project, latitude: Any, longitude: Any) -> tuple[float | None, float | None]:
    """Both coordinates or neither; on the globe; inside the municipality (the check reports use)."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        raise DomainError(fields={"latitude": [_("Give both the latitude and the longitude, or neither.")]})
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
    municipality = project.municipality
    if not municipality_contains(municipality, lat, lon):
        text = _("This place is outside %(city)s.") % {"city": municipality.title}
        raise DomainError(text, fields={"latitude": [text]})
    return lat, lon


def _check_link(value: str) -> str:
    value = check_text(value, "online_url", limit=URL_MAX_LENGTH, one_line=True)
    try:
        URLValidator(schemes=["https"])(value)
    except ValidationError:
        raise DomainError(
            fields={"online_url": [_("Give the full address of the meeting, starting with https://.")]}
        ) from None
    return value


def _check(
    project: Project,
    *,
    stage: Stage | None,
    title: str,
    description: str,
    kind: str,
    address: str,
    latitude: Any,
    longitude: Any,
    online_url: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int | None,
    registration_opens: datetime | None,
) -> Fields:
    """Every field of a meeting checked, or a DomainError naming the first wrong one."""
    if stage is not None and stage.project_id != project.pk:
        raise DomainError(fields={"stage": [_("Choose a stage of this project.")]})
    title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    description = check_text(description, "description", required=False)
    if kind not in Kind.values:
        raise DomainError(fields={"kind": [_("Choose how the meeting is held.")]})
    address = check_text(
        address, "address", limit=ADDRESS_MAX_LENGTH, one_line=True, required=kind in HAS_PLACE
    )
    lat, lon = _check_point(project, latitude, longitude) if kind in HAS_PLACE else (None, None)
    if kind not in HAS_PLACE:
        address = ""
    link = _check_link(online_url) if kind in HAS_LINK else ""
    check_moment(starts_at, field="starts_at")
    check_moment(ends_at, field="ends_at")
    if ends_at <= starts_at:
        raise DomainError(fields={"ends_at": [_("The meeting must end after it starts.")]})
    if capacity is not None and (
        isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX
    ):
        raise DomainError(
            fields={
                "capacity": [_("Give from 1 to %(n)d places, or none for no limit.") % {"n": CAPACITY_MAX}]
            }
        )
    if registration_opens is not None:
        check_moment(registration_opens, field="registration_opens")
        if registration_opens >= starts_at:
            raise DomainError(
                fields={"registration_opens": [_("Registration must open before the meeting starts.")]}
            )
    return Fields(
        stage=stage,
        title=title,
        description=description,
        kind=kind,
        address=address,
        latitude=lat,
        longitude=lon,
        online_url=link,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        registration_opens=registration_opens,
    )


def _details(meeting: Meeting) -> dict[str, object]:
    return {
        "stage": meeting.stage_id,
        "title": meeting.title,
        "kind": meeting.kind,
        "address": meeting.address,
        "point": [meeting.latitude, meeting.longitude] if meeting.has_point else None,
        "online_url": meeting.online_url,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "capacity": meeting.capacity,
        "registration_opens": meeting.registration_opens.isoformat() if meeting.registration_opens else None,
    }


def _locked(meeting: Meeting) -> Meeting:
    """The meeting's row, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("project", "project__municipality", "stage")
        .get(pk=meeting.pk)
    )


def _registrants(meeting: Meeting, statuses: Sequence[str] = ACTIVE) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Registration.objects.filter(meeting=meeting, status__in=statuses).values("user_id")
    )


# The organisers: create, change, cancel, publish the minutes.


def meeting_create(*, actor: User, project: Project, now: datetime | None = None, **fields: Any) -> Meeting:
    """Announce a meeting of `project` (of one of its stages, or of the whole project).

    `fields` are those of `_check`: stage, title, description, kind, address, latitude, longitude,
    online_url, starts_at, ends_at, capacity, registration_opens. A meeting already held may be
    recorded too, so that its minutes can be published.
    """
    require_run(actor, project)
    now = now or timezone.now()
    checked = _check(project, **fields)
    meeting = Meeting(project=project, created_by=actor, created_at=now, updated_at=now, **vars(checked))
    with transaction.atomic():
        meeting.save()
        audit_record(
            actor=actor,
            action="meeting.create",
            municipality=project.municipality,
            target=meeting,
            details=_details(meeting),
        )
    return meeting


def meeting_update(*, actor: User, meeting: Meeting, now: datetime | None = None, **fields: Any) -> Meeting:
    """Change a meeting; its calendar entry's SEQUENCE goes up, and the registered people hear of a new
    time, place or link. More places go to the waiting list at once; fewer unseat nobody."""
    require_run(actor, meeting.project)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.cancelled_at is not None:
            raise Conflict(_("This meeting is cancelled; it can no longer be changed."), code="cancelled")
        checked = _check(meeting.project, **fields)
        changed = {name: value for name, value in vars(checked).items() if getattr(meeting, name) != value}
        if not changed:
            return meeting
        before = _details(meeting)
        for name, value in changed.items():
            setattr(meeting, name, value)
        after = _details(meeting)
        meeting.sequence = F("sequence") + 1
        meeting.updated_at = now
        meeting.save()
        meeting.refresh_from_db()
        audit_record(
            actor=actor,
            action="meeting.update",
            municipality=meeting.project.municipality,
            target=meeting,
            details={"before": before, "after": after},
        )
        moved = [
            key
            for key in ("starts_at", "ends_at", "kind", "address", "point", "online_url")
            if before[key] != after[key]
        ]
        if moved:
            notify(
                recipients=_registrants(meeting),
                kind="meeting.changed",
                title=message(gettext_noop("The meeting “{}” has changed"), meeting.title),
                body=message(gettext_noop("It starts {}. Check the time and the place."), meeting.starts_at),
                url=meeting_url(meeting),
            )
        if meeting.starts_at > now:
            _promote(meeting, now)
    return meeting


def meeting_cancel(*, actor: User, meeting: Meeting, now: datetime | None = None) -> Meeting:
    """Cancel a meeting that has not ended; everyone registered or waiting hears of it."""
    require_run(actor, meeting.project)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.cancelled_at is not None:
            raise Conflict(_("This meeting is already cancelled."), code="cancelled")
        if meeting.has_ended(now):
            raise Conflict(_("This meeting has already taken place."), code="ended")
        meeting.cancelled_at, meeting.updated_at = now, now
        meeting.sequence = F("sequence") + 1
        meeting.save(update_fields=["cancelled_at", "updated_at", "sequence"])
        meeting.refresh_from_db()
        audit_record(
            actor=actor,
            action="meeting.cancel",
            municipality=meeting.project.municipality,
            target=meeting,
            details={"registered": meeting.registered_count, "waiting": meeting.waiting_count},
        )
        notify(
            recipients=_registrants(meeting),
            kind="meeting.cancelled",
            title=message(gettext_noop("The meeting “{}” is cancelled"), meeting.title),
            body=message(gettext_noop("It was to start {}."), meeting.starts_at),
            url=meeting_url(meeting),
        )
    return meeting


def _idea_ids(values: Any) -> list[int]:
    if not isinstance(values, list | tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise DomainError(fields={"ideas": [_("Send the ideas as a list of idea ids.")]})
    return list(dict.fromkeys(values))


def minutes_publish(
    *, actor: User, meeting: Meeting, minutes: str, ideas: Sequence[int], now: datetime | None = None
) -> Meeting:
    """Publish (or correct) the minutes of a meeting that has ended, with the ideas it produced: ideas
    of the meeting's project only. The first publication is announced to those who had a place."""
    require_run(actor, meeting.project)
    now = now or timezone.now()
    ids = _idea_ids(ideas)
    with transaction.atomic():
        meeting = _locked(meeting)
        if meeting.cancelled_at is not None:
            raise Conflict(_("This meeting was cancelled; it has no minutes."), code="cancelled")
        if not meeting.has_ended(now):
            raise Conflict(
                _("Minutes are published after the meeting ends, %(when)s.")
                % {"when": _when(meeting, meeting.ends_at)},
                code="not_ended",
            )
        text = check_text(minutes, "minutes")
        chosen = Idea.objects.filter(project=meeting.project, pk__in=ids)
        found = set(chosen.values_list("pk", flat=True))
        if len(found) != len(ids):
            raise DomainError(fields={"ideas": [_("Choose ideas of this project.")]})
        if chosen.exclude(SHOWN_IDEAS).exists():
            raise DomainError(
                fields={
                    "ideas": [_("Hidden ideas and ideas merged into another cannot be named in the minutes.")]
                }
            )
        first = meeting.minutes_published_at is None
        meeting.minutes = text
        meeting.minutes_published_at = meeting.minutes_published_at or now
        meeting.updated_at = now
        meeting.save(update_fields=["minutes", "minutes_published_at", "updated_at"])
        MeetingIdea.objects.filter(meeting=meeting).delete()
        MeetingIdea.objects.bulk_create([MeetingIdea(meeting=meeting, idea_id=pk) for pk in ids])
        audit_record(
            actor=actor,
            action="meeting.minutes",
            municipality=meeting.project.municipality,
            target=meeting,
            details={"ideas": ids, "first": first},
        )
        if first:
            notify(
                recipients=_registrants(meeting, [RegistrationStatus.CONFIRMED]),
                kind="meeting.minutes",
                title=message(gettext_noop("The minutes of “{}” are published"), meeting.title),
                url=meeting_url(meeting),
            )
    return meeting


# Residents: register and cancel.


@dataclass(frozen=True)
class Registered:
    """A registration and whether this call made it (False: the person had one already)."""

    registration: Registration
    created: bool


def _not_open(meeting: Meeting, now: datetime) -> Conflict:
    if meeting.cancelled_at is not None:
        return Conflict(_("This meeting is cancelled."), code="cancelled")
    if meeting.starts_at <= now:
        return Conflict(_("Registration closed when the meeting started."), code="registration_closed")
    if meeting.registration_opens is not None:
        return Conflict(
            _("Registration opens %(when)s.") % {"when": _when(meeting, meeting.registration_opens)},
            code="registration_not_open",
        )
    return Conflict(_("Registration is not open."), code="registration_not_open")


def registration_make(*, user: User, meeting: Meeting, now: datetime | None = None) -> Registered:
    """Register `user`: a place while places remain, else the next position on the waiting list.

    Once per person: a repeat (even at the same moment) returns the registration that stands, with
    `created` False; one who cancelled registers again as anyone new would.
    """
    now = now or timezone.now()
    with transaction.atomic():
        # Everyone queues on the meeting's row: the places are counted by one request at a time.
        meeting = _locked(meeting)
        existing = Registration.objects.filter(meeting=meeting, user=user).first()
        if existing is not None and existing.status in ACTIVE:
            return Registered(existing, created=False)
        if meeting.project.published_at is None:
            raise Conflict(_("This project is not published."), code="not_published")
        if not meeting.registration_open_at(now):
            raise _not_open(meeting, now)
        decision = registration_decision(user, meeting)
        if not decision:
            raise Forbidden(decision.reason)
        seats = meeting.seats_left
        if seats is None or seats > 0:
            status, position = RegistrationStatus.CONFIRMED, None
            counter = {"registered_count": F("registered_count") + 1}
        else:
            status, position = RegistrationStatus.WAITING, meeting.waiting_count + 1
            counter = {"waiting_count": F("waiting_count") + 1}
        if existing is not None:
            existing.status, existing.position, existing.updated_at = status, position, now
            existing.save(update_fields=["status", "position", "updated_at"])
            registration = existing
        else:
            try:
                with transaction.atomic():
                    registration = Registration.objects.create(
                        meeting=meeting,
                        user=user,
                        status=status,
                        position=position,
                        created_at=now,
                        updated_at=now,
                    )
            except IntegrityError:
                return Registered(Registration.objects.get(meeting=meeting, user=user), created=False)
        Meeting.objects.filter(pk=meeting.pk).update(**counter)
    return Registered(registration, created=True)


def registration_cancel(*, user: User, meeting: Meeting, now: datetime | None = None) -> Registration:
    """Give up a place (or a position on the waiting list) before the meeting starts; a freed place
    goes to the first in line in the same transaction, and they are told."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _locked(meeting)
        registration = Registration.objects.filter(meeting=meeting, user=user, status__in=ACTIVE).first()
        if registration is None:
            raise Conflict(_("You are not registered for this meeting."), code="not_registered")
        if meeting.cancelled_at is not None:
            raise Conflict(_("This meeting is cancelled."), code="cancelled")
        if meeting.starts_at <= now:
            raise Conflict(_("The meeting has started."), code="started")
        was, position = registration.status, registration.position
        registration.status, registration.position, registration.updated_at = (
            RegistrationStatus.CANCELLED,
            None,
            now,
        )
        registration.save(update_fields=["status", "position", "updated_at"])
        if was == RegistrationStatus.CONFIRMED:
            Meeting.objects.filter(pk=meeting.pk).update(registered_count=F("registered_count") - 1)
        else:
            Registration.objects.filter(
                meeting=meeting, status=RegistrationStatus.WAITING, position__gt=position
            ).update(position=F("position") - 1)
            Meeting.objects.filter(pk=meeting.pk).update(waiting_count=F("waiting_count") - 1)
        meeting.refresh_from_db(fields=["registered_count", "waiting_count"])
        _promote(meeting, now)
    return registration


def _promote(meeting: Meeting, now: datetime) -> list[Registration]:
    """Give the free places to the first on the waiting list, in order; under the meeting's lock."""
    free = meeting.waiting_count if meeting.capacity is None else meeting.capacity - meeting.registered_count
    if free <= 0 or meeting.waiting_count == 0:
        return []
    first = list(
        Registration.objects.filter(meeting=meeting, status=RegistrationStatus.WAITING)
        .select_related("user")
        .order_by("position")[:free]
    )
    if not first:
        return []
    Registration.objects.filter(pk__in=[r.pk for r in first]).update(
        status=RegistrationStatus.CONFIRMED, position=None, updated_at=now
    )
    Registration.objects.filter(meeting=meeting, status=RegistrationStatus.WAITING).update(
        position=F("position") - len(first)
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        registered_count=F("registered_count") + len(first), waiting_count=F("waiting_count") - len(first)
    )
    meeting.refresh_from_db(fields=["registered_count", "waiting_count"])
    notify(
        recipients=[r.user for r in first],
        kind="meeting.promoted",
        title=message(gettext_noop("You have a place at “{}”"), meeting.title),
        body=message(
            gettext_noop("A place was freed and it is yours. The meeting starts {}."), meeting.starts_at
        ),
        url=meeting_url(meeting),
    )
    return first
