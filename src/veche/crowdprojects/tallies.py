"""What each part of a project counts, registered by the part and read by those that show it.

Two registries, as the project page's `sections`:

- per-idea figures (supporters, average rating, votes...): each part registers a function giving a
  project's figure for each of its ideas, in one query; the selection page, the final report and the
  API's results read them all, knowing none of the parts;
- contributions (ideas, comments, ratings, ballots...): each part registers its rows of a project
  (a queryset whose rows have `created_at` and `user_id`, and where known `tier` and `district_id`);
  the organisers' dashboard counts them per day, per district and per tier.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from veche.crowdprojects.models import Idea, IdeaSupport, Project


@dataclass(frozen=True)
class Figure:
    key: str
    label: StrOrPromise
    order: int
    # The figure of each idea of the project that has one: {idea id: number}.
    values: Callable[[Project], dict[int, float]]
    # Whether `viewer` may see the figure of `project` now (running votes are secret until voting
    # ends); None: always.
    shown: Callable[[Project, Any], bool] | None = None


@dataclass(frozen=True)
class Contribution:
    key: str
    label: StrOrPromise
    order: int
    rows: Callable[[Project], QuerySet[Any]]
    # Whether the rows carry the tier and the district they were given with.
    has_tier: bool = False
    has_district: bool = False


_figures: dict[str, Figure] = {}
_contributions: dict[str, Contribution] = {}


def register_figure(
    key: str,
    *,
    label: StrOrPromise,
    order: int,
    values: Callable[[Project], dict[int, float]],
    shown: Callable[[Project, Any], bool] | None = None,
) -> None:
    _figures[key] = Figure(key, label, order, values, shown)


def register_contribution(
    key: str,
    *,
    label: StrOrPromise,
    order: int,
    rows: Callable[[Project], QuerySet[Any]],
    has_tier: bool = False,
    has_district: bool = False,
) -> None:
    _contributions[key] = Contribution(key, label, order, rows, has_tier, has_district)


def figures() -> list[Figure]:
    return sorted(_figures.values(), key=lambda f: (f.order, f.key))


def figures_of(project: Project, *, viewer: Any) -> list[tuple[Figure, dict[int, float]]]:
    """Every registered figure of the project's ideas that `viewer` may see now: one query per figure."""
    return [
        (figure, figure.values(project))
        for figure in figures()
        if figure.shown is None or figure.shown(project, viewer)
    ]


def contributions() -> list[Contribution]:
    return sorted(_contributions.values(), key=lambda c: (c.order, c.key))


def _supporters(project: Project) -> dict[int, float]:
    rows = (
        IdeaSupport.objects.filter(petition__project=project)
        .values("petition_id")
        .annotate(n=Count("id"))
        .values_list("petition_id", "n")
    )
    return {idea: float(n) for idea, n in rows}


register_figure("supporters", label=_("supporters"), order=10, values=_supporters)
register_contribution(
    "ideas",
    label=_("ideas"),
    order=10,
    rows=lambda project: Idea.objects.filter(project=project).values("created_at", user_id=F("author_id")),
)
register_contribution(
    "supports",
    label=_("supports"),
    order=20,
    rows=lambda project: IdeaSupport.objects.filter(petition__project=project).values(
        "created_at", "user_id", "tier"
    ),
    has_tier=True,
)
