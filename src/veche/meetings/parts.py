"""What meetings add to a crowd project: the section of its page (the next meetings) and the
registrations counted among the project's contributions."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.crowdprojects import sections, tallies
from veche.crowdprojects.access import can_run
from veche.meetings.models import Meeting, Registration, RegistrationStatus
from veche.meetings.selectors import next_meetings


def _section(page: sections.Page) -> dict[str, Any] | None:
    """The next three meetings; nothing when none is coming, except for the organisers, who get the
    link to announce one."""
    upcoming = next_meetings(page.project, timezone.now())
    runs = can_run(page.request.user, page.project)
    if not upcoming and not runs and not Meeting.objects.filter(project=page.project).exists():
        return None
    return {"meetings": upcoming, "can_run": runs}


sections.register("meetings", order=70, template="meetings/_section.html", context=_section)
tallies.register_contribution(
    "meeting_registrations",
    label=_("meeting registrations"),
    order=70,
    rows=lambda project: (
        Registration.objects.filter(meeting__project=project)
        .exclude(status=RegistrationStatus.CANCELLED)
        .values("created_at", "user_id")
    ),
)
