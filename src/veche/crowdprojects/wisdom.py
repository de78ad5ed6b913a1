"""CrowdWisdom's registrations: its sections of the project page (arguments for and against per idea;
the assessment), its per-idea figures (average rating, ratings) and its contributions (comments under
the project's ideas, ratings)."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.comments.models import Comment
from veche.crowdprojects import sections, tallies
from veche.crowdprojects.models import Idea, IdeaRating, Project, StageKind
from veche.crowdprojects.services import discussion  # noqa: F401 - registers ideas' comment rules
from veche.crowdprojects.wisdom_selectors import listed_ideas, ratings_of, sides_of

ARGUMENTS_SHOWN = 50


def _has(page: sections.Page, kind: str) -> bool:
    """Whether a stage of `kind` has begun: before it, the section would list ideas with nothing to
    say about them (and repeat the ideas' own list)."""
    now = timezone.now()
    return any(stage.kind == kind and stage.starts_at <= now for stage in page.stages)


def _arguments_section(page: sections.Page) -> dict[str, Any] | None:
    if not _has(page, StageKind.DISCUSSION):
        return None
    sides = sides_of(page.project)
    ideas = [idea for idea in listed_ideas(page.project)[:ARGUMENTS_SHOWN] if idea.pk in sides]
    return {"rows": [(idea, sides[idea.pk]) for idea in ideas]}


def _assessment_section(page: sections.Page) -> dict[str, Any] | None:
    if not _has(page, StageKind.ASSESSMENT):
        return None
    ratings = ratings_of(page.project)
    ideas = listed_ideas(page.project)[:ARGUMENTS_SHOWN]
    return {
        "rows": [(idea, *(ratings.get(idea.pk) or (None, 0))) for idea in ideas],
        "rating_open": page.current is not None and page.current.kind == StageKind.ASSESSMENT,
    }


sections.register(
    "arguments", order=40, template="crowdprojects/wisdom/_section.html", context=_arguments_section
)
sections.register(
    "assessment", order=45, template="crowdprojects/assessment/_section.html", context=_assessment_section
)


def _average(project: Project) -> dict[int, float]:
    return {idea: average for idea, (average, _n) in ratings_of(project).items()}


def _ratings(project: Project) -> dict[int, float]:
    return {idea: float(n) for idea, (_average, n) in ratings_of(project).items()}


def _comments(project: Project) -> QuerySet[Any]:
    ideas = Idea.objects.filter(project=project).values("pk")
    return Comment.objects.filter(
        target_type=ContentType.objects.get_for_model(Idea), target_id__in=ideas
    ).values("created_at", user_id=F("author_id"))


tallies.register_figure("average_rating", label=_("average rating"), order=30, values=_average)
tallies.register_figure("ratings", label=_("ratings"), order=31, values=_ratings)
tallies.register_contribution("comments", label=_("comments"), order=30, rows=_comments)
tallies.register_contribution(
    "ratings",
    label=_("ratings"),
    order=40,
    rows=lambda project: IdeaRating.objects.filter(idea__project=project).values(
        "created_at", "user_id", "tier", "district_id"
    ),
    has_tier=True,
    has_district=True,
)
