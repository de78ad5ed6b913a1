"""Reads of CrowdWisdom (discussion and assessment) that pages and the API share."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, QuerySet

from veche.access.roles import Person, is_signed_in
from veche.comments.models import Comment, Stance
from veche.crowdprojects.access import can_run
from veche.crowdprojects.models import (
    Criterion,
    ExpertScore,
    Idea,
    IdeaRating,
    IdeaStatus,
    Project,
    ProjectExpert,
    Stage,
    StageKind,
)

TOP_ARGUMENTS = 3


def _idea_comments() -> QuerySet[Comment]:
    return Comment.objects.filter(target_type=ContentType.objects.get_for_model(Idea), hidden_at__isnull=True)


@dataclass(frozen=True)
class Arguments:
    """An idea's discussion in short: how many comments take each side and the most marked of each."""

    counts: dict[str, int]
    top: dict[str, list[Comment]]

    @property
    def sides(self) -> list[tuple[str, str, int, list[Comment]]]:
        return [(s, str(label), self.counts.get(s, 0), self.top.get(s, [])) for s, label in Stance.choices]


def arguments_of(idea: Idea) -> Arguments:
    """For, against and neutral comments under `idea` (hidden ones left out) and the TOP_ARGUMENTS
    most marked of each side: two queries."""
    comments = _idea_comments().filter(target_id=idea.pk).exclude(stance="")
    counts = dict(comments.values("stance").annotate(n=Count("id")).values_list("stance", "n"))
    ranked = (
        comments.select_related("author")
        .annotate(marked=Count("reactions"))
        .order_by("-marked", "created_at", "id")
    )
    top: dict[str, list[Comment]] = defaultdict(list)
    # Every side's first TOP_ARGUMENTS, read in one pass over the sides' best.
    for comment in ranked[: TOP_ARGUMENTS * 50]:
        if len(top[comment.stance]) < TOP_ARGUMENTS:
            top[comment.stance].append(comment)
    return Arguments(counts=counts, top=dict(top))


def sides_of(project: Project) -> dict[int, dict[str, int]]:
    """{idea id: {stance: comments}} for the ideas of `project`: one query."""
    ideas = Idea.objects.filter(project=project).values("pk")
    rows = (
        _idea_comments()
        .filter(target_id__in=ideas)
        .exclude(stance="")
        .values("target_id", "stance")
        .annotate(n=Count("id"))
        .values_list("target_id", "stance", "n")
    )
    sides: dict[int, dict[str, int]] = defaultdict(dict)
    for idea_id, stance, n in rows:
        sides[idea_id][stance] = n
    return dict(sides)


def listed_ideas(project: Project) -> QuerySet[Idea]:
    """The ideas of `project` a list shows: not hidden, not merged into another."""
    return (
        Idea.objects.filter(project=project, hidden_at__isnull=True)
        .exclude(status=IdeaStatus.MERGED)
        .select_related("municipality")
        .order_by("-endorsements_count", "created_at", "id")
    )


def ratings_of(project: Project) -> dict[int, tuple[float, int]]:
    """{idea id: (average stars, ratings)} for the rated ideas of `project`: one query."""
    rows = (
        IdeaRating.objects.filter(idea__project=project)
        .values("idea_id")
        .annotate(average=Avg("stars"), n=Count("id"))
        .values_list("idea_id", "average", "n")
    )
    return {idea_id: (round(float(average), 2), n) for idea_id, average, n in rows}


def assessment_stage(stages: list[Stage]) -> Stage | None:
    """The project's (last) assessment stage, if it has one."""
    found = [stage for stage in stages if stage.kind == StageKind.ASSESSMENT]
    return found[-1] if found else None


def expert_of(user: Person, project: Project) -> ProjectExpert | None:
    if not is_signed_in(user):
        return None
    return ProjectExpert.objects.filter(project=project, user=user).first()


def scores_public(user: Person, project: Project, stages: list[Stage], now: datetime) -> bool:
    """Experts' scores are published when the assessment stage has ended; its organisers and experts
    see them earlier."""
    stage = assessment_stage(stages)
    if project.published_at is not None and stage is not None and stage.ends_at <= now:
        return True
    return can_run(user, project) or expert_of(user, project) is not None


@dataclass
class IdeaAssessment:
    idea: Idea
    average_rating: float | None
    ratings: int
    # {criterion id: experts' average}; overall: the criteria's averages weighted.
    by_criterion: dict[int, float] = field(default_factory=dict)
    overall: float | None = None
    scores: list[ExpertScore] = field(default_factory=list)
    # The experts' averages in the order of the criteria, for a table.
    cells: list[tuple[Criterion, float | None]] = field(default_factory=list)


@dataclass
class Assessment:
    criteria: list[Criterion]
    experts: list[ProjectExpert]
    ideas: list[IdeaAssessment]
    public: bool


def assessment_of(project: Project, *, public: bool) -> Assessment:
    """Residents' ratings of each listed idea, and when `public` the experts' averages per criterion,
    overall (weighted by the criteria's weights) and every score with its reason: five queries."""
    criteria = list(Criterion.objects.filter(project=project))
    experts = list(ProjectExpert.objects.filter(project=project))
    ideas = list(listed_ideas(project))
    ratings = ratings_of(project)
    rows = {idea.pk: IdeaAssessment(idea, *(ratings.get(idea.pk) or (None, 0))) for idea in ideas}
    if public and criteria:
        scores = ExpertScore.objects.filter(idea__in=ideas).select_related("expert", "criterion")
        collected: dict[tuple[int, int], list[int]] = defaultdict(list)
        for score in scores.order_by("idea_id", "criterion__position", "expert__public_name", "id"):
            rows[score.idea_id].scores.append(score)
            collected[(score.idea_id, score.criterion_id)].append(score.score)
        weights = {c.pk: c.weight for c in criteria}
        for (idea_id, criterion_id), given in collected.items():
            rows[idea_id].by_criterion[criterion_id] = round(sum(given) / len(given), 2)
        for row in rows.values():
            if row.by_criterion:
                total = sum(weights[c] for c in row.by_criterion)
                weighted = sum(v * weights[c] for c, v in row.by_criterion.items())
                row.overall = round(weighted / total, 2)
    for row in rows.values():
        row.cells = [(c, row.by_criterion.get(c.pk)) for c in criteria]
    return Assessment(criteria=criteria, experts=experts, ideas=list(rows.values()), public=public)
