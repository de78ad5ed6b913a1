"""Reads of the selection and the implementation that pages and the API share: the decisions as a
viewer may see them, the final report, an idea's milestones and monitoring, overdue milestones."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from veche.access.functions import parse_pk
from veche.access.roles import Person, has_permission, is_signed_in
from veche.core.errors import NotFound
from veche.crowdprojects import tallies
from veche.crowdprojects.access import access_idea, access_project, can_run
from veche.crowdprojects.models import (
    Idea,
    IdeaStatus,
    Milestone,
    MilestoneUpdate,
    MonitoringReport,
    Project,
    ResultRating,
    Selection,
)


def selection_of(project: Project) -> Selection | None:
    return Selection.objects.filter(project=project).first()


def decisions_visible(viewer: Person, project: Project, selection: Selection | None) -> bool:
    """Decisions are public once the selection is published; before, only to those who run the project."""
    return selection is not None or can_run(viewer, project)


def ideas_to_decide(project: Project) -> QuerySet[Idea]:
    """Every idea the selection answers (neither merged nor hidden), with its decision: one query."""
    return (
        Idea.objects.filter(project=project, merged_into__isnull=True, hidden_at__isnull=True)
        .exclude(status=IdeaStatus.MERGED)
        .select_related("municipality", "author", "decision", "decision__department")
        .order_by("-endorsements_count", "pk")
    )


def published_decisions(project: Project) -> QuerySet[Idea]:
    """The ideas a published selection answered, taken up first."""
    return (
        ideas_to_decide(project)
        .filter(status__in=Idea.ANSWERED, decision__isnull=False)
        .order_by("-status", "-endorsements_count", "pk")
    )


def milestones_of(idea: Idea) -> QuerySet[Milestone]:
    return Milestone.objects.filter(idea=idea).order_by("position")


def overdue_milestones(project: Project, today: date) -> QuerySet[Milestone]:
    """The project's milestones overdue on `today` (the municipality's local day)."""
    return Milestone.objects.filter(Milestone.overdue_on(today), idea__project=project)


def access_idea_by_id(user: Person, idea_id: Any) -> Idea:
    """An idea named by its id alone (the API's /ideas/{id}), as `access_idea` in its project gives it."""
    project_id = Idea.objects.filter(pk=parse_pk(idea_id)).values_list("project_id", flat=True).first()
    if project_id is None:
        raise NotFound()
    return access_idea(user, idea_id, project=access_project(user, project_id))


def access_milestone(milestone_id: Any, *, idea: Idea) -> Milestone:
    """A milestone of `idea` by the id a request names; NotFound for any other."""
    milestone = Milestone.objects.filter(idea=idea, pk=parse_pk(milestone_id)).first()
    if milestone is None:
        raise NotFound()
    milestone.idea = idea
    return milestone


@dataclass
class ReportIdea:
    idea: Idea
    figures: list[tuple[str, float | None]]
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class Report:
    project: Project
    selection: Selection | None
    rows: list[ReportIdea]
    figure_labels: list[str]
    ideas_count: int
    taken_up_count: int
    participants: int


def report_of(project: Project, *, viewer: Person, today: date) -> Report:
    """The final report: every idea with its figures (whatever parts registered), its decision and,
    taken up, its milestones; how many ideas, how many people took part. A fixed number of queries."""
    selection = selection_of(project)
    shown = decisions_visible(viewer, project, selection)
    ideas = list(
        ideas_to_decide(project).prefetch_related(Prefetch("milestones", queryset=milestones_of_all()))
    )
    figures = tallies.figures_of(project, viewer=viewer)
    rows = [
        ReportIdea(
            idea=idea,
            figures=[(str(figure.label), values.get(idea.pk)) for figure, values in figures],
            milestones=_marked(idea.milestones.all(), today) if shown else [],
        )
        for idea in ideas
    ]
    participants: set[int] = set()
    for contribution in tallies.contributions():
        participants.update(contribution.rows(project).values_list("user_id", flat=True).distinct())
    return Report(
        project=project,
        selection=selection,
        rows=rows,
        figure_labels=[str(figure.label) for figure, _values in figures],
        ideas_count=len(ideas),
        taken_up_count=sum(1 for idea in ideas if idea.status == IdeaStatus.SELECTED),
        participants=len(participants - {None}),
    )


def _marked(milestones: Any, today: date) -> list[Milestone]:
    """The milestones, each with `overdue` set for a page (`Milestone.is_overdue` on `today`)."""
    marked = list(milestones)
    for milestone in marked:
        milestone.overdue = milestone.is_overdue(today)
    return marked


def milestones_of_all() -> QuerySet[Milestone]:
    return Milestone.objects.order_by("position")


@dataclass
class Implementation:
    milestones: list[Milestone]
    reports: list[MonitoringReport]
    rating_average: float | None
    rating_count: int
    your_stars: int | None


def implementation_of(idea: Idea, *, viewer: Person, today: date) -> Implementation:
    """An idea's milestones with their updates and photos, residents' reports (hidden ones only for
    their authors and moderators) and the rating of the result: a fixed number of queries."""
    updates = MilestoneUpdate.objects.order_by("created_at", "pk").prefetch_related("photos")
    milestones = _marked(milestones_of(idea).prefetch_related(Prefetch("updates", queryset=updates)), today)
    reports = MonitoringReport.objects.filter(idea=idea).select_related("author", "milestone")
    if not has_permission(viewer, idea.municipality, "moderate"):
        mine = Q(author=viewer) if is_signed_in(viewer) else Q(pk__in=[])
        reports = reports.filter(Q(hidden_at__isnull=True) | mine)
    rating = ResultRating.objects.filter(idea=idea).aggregate(average=Avg("stars"), count=Count("pk"))
    yours = (
        ResultRating.objects.filter(idea=idea, user=viewer).values_list("stars", flat=True).first()
        if is_signed_in(viewer)
        else None
    )
    return Implementation(
        milestones=milestones,
        reports=list(reports.prefetch_related("photos")),
        rating_average=rating["average"],
        rating_count=rating["count"],
        your_stars=yours,
    )
