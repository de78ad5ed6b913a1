"""Reads of deliberations for lists and summaries (the API's, and the pages' when they want them):
a municipality's published deliberations with their counts, the shown statements with their tallies,
and how many statements a participant has answered. Each is a fixed number of queries however many
rows it returns.
"""

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from veche.deliberation.models import Deliberation, Participant, Statement, Vote, shown_q
from veche.municipalities.models import Municipality


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated count of `queryset` (already filtered on `deliberation=OuterRef("pk")`)."""
    counted = queryset.order_by().values("deliberation").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_counts(deliberations: QuerySet[Deliberation]) -> QuerySet[Deliberation]:
    """Each deliberation with `participants_count` (everyone who voted or wrote), `statements_count`
    (shown statements) and `votes_count` (the latest votes on shown statements), in the same query."""
    return deliberations.annotate(
        participants_count=_count_of(Participant.objects.filter(deliberation=OuterRef("pk"))),
        statements_count=_count_of(Statement.objects.filter(shown_q(), deliberation=OuterRef("pk"))),
        votes_count=_count_of(Vote.objects.filter(shown_q("statement__"), deliberation=OuterRef("pk"))),
    )


def deliberations_for(*, municipality: Municipality) -> QuerySet[Deliberation]:
    """The municipality's published deliberations that everyone may see (a project's only once the
    project is published: `access.can_see_deliberation` for a visitor, as a query), newest first, with
    their counts."""
    deliberations = Deliberation.objects.filter(
        Q(project__isnull=True) | Q(project__published_at__isnull=False),
        municipality=municipality,
        published_at__isnull=False,
    ).select_related("municipality", "project")
    return with_counts(deliberations).order_by("-published_at", "-pk")


def statements_with_tallies(deliberation: Deliberation) -> QuerySet[Statement]:
    """The statements voters see, by number, each with `seen`, `agree`, `disagree` and `passes` (the
    latest votes), in one query."""
    return (
        Statement.objects.filter(shown_q(), deliberation=deliberation)
        .annotate(
            seen=Count("votes"),
            agree=Count("votes", filter=Q(votes__value=1)),
            disagree=Count("votes", filter=Q(votes__value=-1)),
            passes=Count("votes", filter=Q(votes__value=0)),
        )
        .order_by("number")
    )


def answered_count(participant: Participant | None) -> int:
    """How many of the shown statements `participant` has answered (0 for none)."""
    if participant is None:
        return 0
    return Vote.objects.filter(shown_q("statement__"), participant=participant).count()
