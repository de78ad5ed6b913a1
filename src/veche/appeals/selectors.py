"""Reads of appeals shared by pages and the API."""

from typing import Any

from django.db.models import BooleanField, Case, F, OrderBy, Q, QuerySet, Value, When

from veche.access.roles import has_permission
from veche.appeals.models import Appeal, AppealPolicy, AppealSignature, Status, overdue_on
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day

ORDERINGS: dict[str, tuple[str | OrderBy, ...]] = {
    "new": ("-created_at", "-id"),
    "signatures": ("-signatures_count", "-created_at", "-id"),
    # Soonest answer first; appeals that owe none go last on every database.
    "due": (F("answer_due").asc(nulls_last=True), "-created_at", "-id"),
}
QUERY_MAX_LENGTH = 100


def appeals_for(
    *,
    municipality: Municipality,
    viewer: Any,
    status: str = "",
    query: str = "",
    order: str = "new",
) -> QuerySet[Appeal]:
    """Appeals of `municipality` that `viewer` may see: hidden ones only to their authors and moderators.

    Each carries `overdue` by `overdue_on`: it owes an answer whose day has passed in the
    municipality, and it is not hidden (so the moderators who see hidden ones see no badge on them).
    """
    appeals = (
        Appeal.objects.filter(municipality=municipality)
        .select_related("author", "municipality")
        .annotate(
            overdue=Case(
                When(overdue_on(local_day(municipality)), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    signed_in = getattr(viewer, "is_authenticated", False)
    if not (signed_in and has_permission(viewer, municipality, "moderate")):
        visible = Q(hidden_at__isnull=True)
        if signed_in:
            visible |= Q(author=viewer)
        appeals = appeals.filter(visible)
    if status in Status.values:
        appeals = appeals.filter(status=status)
    query = query.strip()[:QUERY_MAX_LENGTH]
    if query:
        appeals = appeals.filter(Q(title__icontains=query) | Q(body__icontains=query))
    return appeals.order_by(*ORDERINGS.get(order, ORDERINGS["new"]))


def appeals_overdue_count(*, municipality: Municipality) -> int:
    """How many of the municipality's appeals owe an answer past its day (hidden ones are not overdue)."""
    return Appeal.objects.filter(overdue_on(local_day(municipality)), municipality=municipality).count()


def appeal_signature_of(*, appeal: Appeal, user: Any) -> AppealSignature | None:
    """`user`'s signature under `appeal`, if they signed it."""
    if not getattr(user, "is_authenticated", False):
        return None
    return AppealSignature.objects.filter(appeal=appeal, user=user).first()


def appeal_policy_of(*, municipality: Municipality) -> AppealPolicy:
    """The municipality's policy; the defaults (unsaved) when it has never been set or needed."""
    policy = AppealPolicy.objects.filter(municipality=municipality).first()
    return policy if policy is not None else AppealPolicy(municipality=municipality)
