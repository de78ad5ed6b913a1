"""The selection's and the implementation's registrations: the project page's section, monitoring
reports as moderated content, the result rating as a figure, reports and ratings as contributions."""

from typing import Any

from django.db.models import Avg, F
from django.utils.translation import gettext_lazy as _

from veche.crowdprojects import sections, tallies
from veche.crowdprojects.access import can_run
from veche.crowdprojects.models import MonitoringReport, Project, ResultRating, StageKind
from veche.crowdprojects.selection_selectors import (
    decisions_visible,
    overdue_milestones,
    published_decisions,
    selection_of,
)
from veche.crowdprojects.services.selection import selection_window
from veche.moderation.registry import register
from veche.municipalities.zones import local_day


def _section(page: sections.Page) -> dict[str, Any] | None:
    project = page.project
    if selection_window(project, page.stages) is None:
        return None
    selection = selection_of(project)
    taken_up = [idea for idea in published_decisions(project) if idea.decision.selected] if selection else []
    return {
        "selection": selection,
        "taken_up": taken_up,
        "can_run": can_run(page.request.user, project),
        "decisions_visible": decisions_visible(page.request.user, project, selection),
        "has_implementation": any(s.kind == StageKind.IMPLEMENTATION for s in page.stages),
        "overdue": overdue_milestones(project, local_day(project.municipality)).count() if selection else 0,
    }


sections.register("selection", order=80, template="crowdprojects/selection/_section.html", context=_section)

register(
    MonitoringReport,
    url=lambda report: report.get_absolute_url(),
    excerpt=lambda report: report.text[:300],
    author=lambda report: report.author,
    related=("municipality", "author", "idea"),
)


def _result_rating(project: Project) -> dict[int, float]:
    rows = (
        ResultRating.objects.filter(idea__project=project)
        .values("idea_id")
        .annotate(average=Avg("stars"))
        .values_list("idea_id", "average")
    )
    return {idea: round(float(average), 2) for idea, average in rows}


tallies.register_figure("result_rating", label=_("result rating"), order=90, values=_result_rating)
tallies.register_contribution(
    "monitoring",
    label=_("monitoring reports"),
    order=90,
    rows=lambda project: MonitoringReport.objects.filter(idea__project=project).values(
        "created_at", "tier", user_id=F("author_id")
    ),
    has_tier=True,
)
tallies.register_contribution(
    "result_ratings",
    label=_("result ratings"),
    order=95,
    rows=lambda project: ResultRating.objects.filter(idea__project=project).values(
        "created_at", "user_id", "tier"
    ),
    has_tier=True,
)
