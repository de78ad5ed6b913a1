"""Reads of appeals shared by pages and the API."""

from typing import Any

from django.db.models import F, OrderBy, QuerySet

from veche.appeals.models import Appeal, AppealPolicy, AppealSignature, Status
from veche.municipalities.models import Municipality
from veche.petitions.selectors import petitions_for, petitions_overdue_count

ORDERINGS: dict[str, tuple[str | OrderBy, ...]] = {
    "new": ("-created_at", "-id"),
    "signatures": ("-endorsements_count", "-created_at", "-id"),
    # Soonest answer first; appeals that owe none go last on every database.
    "due": (F("answer_due").asc(nulls_last=True), "-created_at", "-id"),
}


def appeals_for(
    *,
    municipality: Municipality,
    viewer: Any,
    status: str = "",
    query: str = "",
    order: str = "new",
    mine: bool = False,
) -> QuerySet[Appeal]:
    """Appeals of `municipality` that `viewer` may see, each with `overdue` (`petitions_for`); `mine`:
    only those they published or signed."""
    appeals = petitions_for(
        Appeal,
        municipality=municipality,
        viewer=viewer,
        query=query,
        mine_of=AppealSignature if mine else None,
    )
    if status in Status.values:
        appeals = appeals.filter(status=status)
    return appeals.order_by(*ORDERINGS.get(order, ORDERINGS["new"]))


def appeals_overdue_count(*, municipality: Municipality) -> int:
    """How many of the municipality's appeals owe an answer past its day (hidden ones are not overdue)."""
    return petitions_overdue_count(Appeal, municipality=municipality)


def appeal_policy_of(*, municipality: Municipality) -> AppealPolicy:
    """The municipality's policy; the defaults (unsaved) when it has never been set or needed."""
    policy = AppealPolicy.objects.filter(municipality=municipality).first()
    return policy if policy is not None else AppealPolicy(municipality=municipality)
