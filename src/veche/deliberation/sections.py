"""The deliberation's section of its crowd project's page: the question, whether it is open (until
when) or why not, its participants and statements, and the links to take part and to the map."""

from typing import Any

from django.utils import timezone

from veche.crowdprojects import sections
from veche.deliberation.access import can_see_deliberation
from veche.deliberation.lists import with_counts
from veche.deliberation.models import Deliberation
from veche.deliberation.phases import deliberation_phase


def _section(page: sections.Page) -> dict[str, Any] | None:
    """Nothing for a project without a deliberation, or one its viewer may not see (a draft)."""
    deliberation = (
        with_counts(Deliberation.objects.filter(project=page.project))
        .select_related("municipality", "project", "project__municipality")
        .first()
    )
    if deliberation is None or not can_see_deliberation(page.request.user, deliberation):
        return None
    phase = deliberation_phase(deliberation, timezone.now())
    is_open = phase.closed_reason is None
    return {
        "deliberation": deliberation,
        "open": is_open,
        "until": page.current.ends_at if is_open and page.current is not None else None,
        "reason": phase.closed_reason or "",
        "n_participants": deliberation.n_participants,  # type: ignore[attr-defined]
        "n_statements": deliberation.n_statements,  # type: ignore[attr-defined]
    }


sections.register("deliberation", order=30, template="deliberation/_project_section.html", context=_section)
