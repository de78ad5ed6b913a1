"""What the meetings' tests share: a running project and a meeting announced through the service."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Project, StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.meetings.models import Kind, Meeting
from veche.meetings.services import meeting_create
from veche.municipalities.models import Municipality

# A square around the centre of Moscow (the municipalities' default point): inside it is the city.
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[37.5, 55.7], [37.7, 55.7], [37.7, 55.8], [37.5, 55.8], [37.5, 55.7]]],
}


def running_project(actor: User, municipality: Municipality, **settings: Any) -> Project:
    municipality.boundary = SQUARE
    municipality.save(update_fields=["boundary"])
    return project_in_stage(actor=actor, municipality=municipality, kind=StageKind.IDEAS, **settings)


def meeting_fields(**overrides: Any) -> dict[str, Any]:
    starts: datetime = overrides.pop("starts_at", timezone.now() + timedelta(days=2))
    fields = {
        "stage": None,
        "title": "Встреча о парке, у реки",
        "description": "Обсудим дорожки; скамейки и свет.",
        "kind": Kind.IN_PERSON,
        "address": "ул. Ленина, 1",
        "latitude": 55.75,
        "longitude": 37.61,
        "online_url": "",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "capacity": 5,
        "registration_opens": None,
    }
    fields.update(overrides)
    return fields


def announce(actor: User, project: Project, **overrides: Any) -> Meeting:
    return meeting_create(actor=actor, project=project, **meeting_fields(**overrides))


def held(meeting: Meeting) -> Meeting:
    """The meeting moved into the past (the services refuse nothing about it; registration would)."""
    starts = timezone.now() - timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting
