"""Pages of a project's meetings: the list, a meeting with registration, the calendars, and the
organisers' pages (announce, change, cancel, registrations, minutes)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from veche.access.functions import access_municipality
from veche.access.roles import Tier, tier_of
from veche.core.forms import form_page, press
from veche.core.http import download, signed_in
from veche.crowdprojects.access import access_project, access_project_to_run, can_run
from veche.crowdprojects.models import Project
from veche.meetings import ics, services
from veche.meetings.access import access_meeting, access_meeting_to_run, can_see_link
from veche.meetings.forms import MeetingForm, MinutesForm
from veche.meetings.models import Meeting, RegistrationStatus
from veche.meetings.selectors import (
    ideas_of,
    links_for,
    my_registrations,
    registrants,
    registration_of,
    upcoming_and_past,
)


def _project(request: HttpRequest, slug: str, project_id: int) -> Project:
    municipality = access_municipality(request.user, slug)
    return access_project(request.user, project_id, municipality=municipality)


def _list_url(project: Project) -> str:
    return reverse("meetings:list", args=[project.municipality.slug, project.pk])


def meeting_list(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    project = _project(request, slug, project_id)
    now = timezone.now()
    upcoming, past = upcoming_and_past(project, now)
    mine = my_registrations(user=request.user, meetings=upcoming)
    for meeting in upcoming:
        meeting.mine = mine.get(meeting.pk)  # type: ignore[attr-defined]
    context = {
        "municipality": project.municipality,
        "project": project,
        "upcoming": upcoming,
        "past": past,
        "can_run": can_run(request.user, project),
        "now": now,
    }
    return render(request, "meetings/list.html", context)


def _detail_context(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    now = timezone.now()
    project = meeting.project
    return {
        "municipality": project.municipality,
        "project": project,
        "meeting": meeting,
        "registration": registration_of(meeting=meeting, user=request.user),
        "open": meeting.registration_open_at(now) and project.published_at is not None,
        "ended": meeting.has_ended(now),
        "started": meeting.starts_at <= now,
        "can_register": services.registration_decision(request.user, meeting),
        "needs_verification": tier_of(request.user, project.municipality) == Tier.REGISTERED
        and project.tier == Tier.VERIFIED,
        "show_link": can_see_link(request.user, meeting),
        "can_run": can_run(request.user, project),
        "ideas": ideas_of(meeting),
        "Status": RegistrationStatus,
    }


def meeting_detail(request: HttpRequest, slug: str, project_id: int, meeting_id: int) -> HttpResponse:
    project = _project(request, slug, project_id)
    meeting = access_meeting(request.user, meeting_id, project=project)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


@login_required
@require_POST
def register(request: HttpRequest, slug: str, project_id: int, meeting_id: int) -> HttpResponse:
    project = _project(request, slug, project_id)
    meeting = access_meeting(request.user, meeting_id, project=project)

    def said(result: services.Registered) -> str:
        registration = result.registration
        if not result.created:
            return _("You are already registered.")
        if registration.status == RegistrationStatus.CONFIRMED:
            return _("You are registered. A place is yours.")
        return _("All places are taken: you are number %(n)d on the waiting list.") % {
            "n": registration.position
        }

    return press(
        request,
        lambda: services.registration_make(user=signed_in(request), meeting=meeting),
        done=said,
        back_to=meeting.get_absolute_url(),
    )


@login_required
@require_POST
def unregister(request: HttpRequest, slug: str, project_id: int, meeting_id: int) -> HttpResponse:
    project = _project(request, slug, project_id)
    meeting = access_meeting(request.user, meeting_id, project=project)
    return press(
        request,
        lambda: services.registration_cancel(user=signed_in(request), meeting=meeting),
        done=_("Your registration is cancelled."),
        back_to=meeting.get_absolute_url(),
    )


def _calendar(body: str, filename: str) -> HttpResponse:
    return download(body, content_type="text/calendar; charset=utf-8", filename=filename)


def meeting_ics(request: HttpRequest, slug: str, project_id: int, meeting_id: int) -> HttpResponse:
    project = _project(request, slug, project_id)
    meeting = access_meeting(request.user, meeting_id, project=project)
    body = ics.calendar(
        [meeting], name=meeting.title, links={meeting.pk} if can_see_link(request.user, meeting) else set()
    )
    return _calendar(body, f"meeting-{meeting.pk}.ics")


def project_ics(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    """Every meeting of the project, for a calendar to subscribe to. Cancelled meetings stay in it,
    with STATUS:CANCELLED, until they would have ended: a subscribed calendar that had the event only
    learns of the cancellation from the event itself (most drop a vanished event without a word)."""
    project = _project(request, slug, project_id)
    meetings = list(
        Meeting.objects.filter(project=project)
        .filter(Q(cancelled_at__isnull=True) | Q(ends_at__gt=timezone.now()))
        .select_related("project", "project__municipality")
        .order_by("starts_at", "pk")
    )
    links = links_for(user=request.user, project=project, meetings=meetings)
    return _calendar(ics.calendar(meetings, name=project.title, links=links), f"project-{project.pk}.ics")


# The organisers' pages.


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        **data,
        "address": data.get("address") or "",
        "online_url": data.get("online_url") or "",
        "description": data.get("description") or "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    form = MeetingForm(request.POST or None, project=project)
    return form_page(
        request,
        form,
        lambda data: services.meeting_create(actor=signed_in(request), project=project, **_fields(data)),
        done=_("The meeting is announced."),
        then=lambda meeting: meeting.get_absolute_url(),
        template="meetings/edit.html",
        context=lambda: {"municipality": municipality, "project": project, "meeting": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, slug: str, project_id: int, meeting_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    meeting = access_meeting_to_run(request.user, meeting_id, project=project)
    form = MeetingForm(request.POST or None, project=project, initial=MeetingForm.initial_for(meeting))
    return form_page(
        request,
        form,
        lambda data: services.meeting_update(actor=signed_in(request), meeting=meeting, **_fields(data)),
        done=_("Saved. Those registered are told of a new time or place."),
        then=meeting.get_absolute_url(),
        template="meetings/edit.html",
        context=lambda: {"municipality": municipality, "project": project, "meeting": meeting},
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, slug: str, project_id: int, meeting_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    meeting = access_meeting_to_run(request.user, meeting_id, project=project)
    return press(
        request,
        lambda: services.meeting_cancel(actor=signed_in(request), meeting=meeting),
        done=_("The meeting is cancelled; those registered are told."),
        back_to=meeting.get_absolute_url(),
    )


@login_required
def meeting_registrations(request: HttpRequest, slug: str, project_id: int, meeting_id: int) -> HttpResponse:
    """Who registered, by display name only: the organisers need a list at the door, not addresses."""
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    meeting = access_meeting_to_run(request.user, meeting_id, project=project)
    context = {
        "municipality": municipality,
        "project": project,
        "meeting": meeting,
        "rows": list(registrants(meeting)),
        "Status": RegistrationStatus,
    }
    return render(request, "meetings/registrations.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def minutes(request: HttpRequest, slug: str, project_id: int, meeting_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    meeting = access_meeting_to_run(request.user, meeting_id, project=project)
    initial = {"minutes": meeting.minutes, "ideas": [idea.pk for idea in ideas_of(meeting)]}
    form = MinutesForm(request.POST or None, project=project, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.minutes_publish(
            actor=signed_in(request), meeting=meeting, minutes=data["minutes"], ideas=list(data["ideas"])
        ),
        done=_("The minutes are published."),
        then=meeting.get_absolute_url(),
        template="meetings/minutes.html",
        context=lambda: {
            "municipality": municipality,
            "project": project,
            "meeting": meeting,
            "ended": meeting.has_ended(timezone.now()),
        },
    )
