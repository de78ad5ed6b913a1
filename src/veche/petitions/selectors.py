"""Reads every petition shares: who sees which, the overdue flag and count, a person's endorsement."""

from typing import Any, TypeVar

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from veche.access.roles import has_permission, is_signed_in
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day
from veche.petitions.models import Endorsement, Petition

P = TypeVar("P", bound=Petition)
E = TypeVar("E", bound=Endorsement)

QUERY_MAX_LENGTH = 100


def petitions_for(
    model: type[P],
    *,
    municipality: Municipality,
    viewer: Any,
    query: str = "",
    mine_of: type[Endorsement] | None = None,
) -> QuerySet[P]:
    """Petitions of `municipality` that `viewer` may see (hidden ones only to their authors and the
    moderators), with words of `query` in the title or text, each annotated with `overdue`; with
    `mine_of` (the kind's endorsements), only those the viewer published or endorsed (ignored for
    anyone not signed in).

    `overdue` is `Petition.overdue_on`: it owes an answer whose day has passed in the
    municipality, and it is not hidden (so the moderators who see hidden ones see no badge on them).
    """
    petitions: QuerySet[P] = (
        model._default_manager.filter(municipality=municipality)
        .select_related("author", "municipality")
        .annotate(
            overdue=Case(
                When(model.overdue_on(local_day(municipality)), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if not (is_signed_in(viewer) and has_permission(viewer, municipality, "moderate")):
        visible = Q(hidden_at__isnull=True)
        if is_signed_in(viewer):
            visible |= Q(author=viewer)
        petitions = petitions.filter(visible)
    if mine_of is not None and is_signed_in(viewer):
        endorsements: Any = mine_of._default_manager  # `petition` is declared by each app
        endorsed = endorsements.filter(user=viewer).values("petition")
        petitions = petitions.filter(Q(author=viewer) | Q(pk__in=endorsed))
    query = query.strip()[:QUERY_MAX_LENGTH]
    if query:
        petitions = petitions.filter(Q(title__icontains=query) | Q(body__icontains=query))
    return petitions


def petitions_overdue_count(model: type[Petition], *, municipality: Municipality) -> int:
    """How many of the municipality's petitions owe an answer past its day (hidden ones are not overdue)."""
    overdue = model.overdue_on(local_day(municipality))
    return model._default_manager.filter(overdue, municipality=municipality).count()


def endorsement_of(model: type[E], *, petition: Petition, user: Any) -> E | None:
    """`user`'s endorsement of `petition`, if they gave one."""
    if not is_signed_in(user):
        return None
    endorsements: Any = model._default_manager  # `petition` is declared by each app
    found: E | None = endorsements.filter(petition=petition, user=user).first()
    return found
