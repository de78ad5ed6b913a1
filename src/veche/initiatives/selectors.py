"""Reads of initiatives shared by pages and the API: lists, a person's support, thresholds, the vote."""

import math
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OrderBy, OuterRef, Prefetch, QuerySet, Value

from veche.access.roles import is_signed_in
from veche.initiatives.models import (
    DistrictResidents,
    ImplementationMilestone,
    Initiative,
    InitiativePolicy,
    InitiativeSupport,
    MilestonePhoto,
    Scope,
    Status,
    ThresholdKind,
)
from veche.municipalities.models import District, Municipality
from veche.petitions.selectors import petitions_for, petitions_overdue_count
from veche.polls.models import Poll
from veche.polls.selectors import OptionResult, poll_results

ORDERINGS: dict[str, tuple[str | OrderBy, ...]] = {
    "new": ("-published_at", "-id"),
    "support": ("-endorsements_count", "-published_at", "-id"),
    # The window that ends first; initiatives no longer collecting go last on every database.
    "ending": (F("support_ends_at").asc(nulls_last=True), "-published_at", "-id"),
    "due": (F("answer_due").asc(nulls_last=True), "-published_at", "-id"),
}
LISTED = [s for s in Status.values if s != Status.DRAFT]


def initiatives_for(
    *,
    municipality: Municipality,
    viewer: Any,
    status: str = "",
    district: District | None = None,
    query: str = "",
    order: str = "new",
    mine: bool = False,
) -> QuerySet[Initiative]:
    """Published initiatives of `municipality` that `viewer` may see, each annotated with `supported`
    and `overdue` (`petitions_for`). Drafts are never listed; hidden initiatives only to their
    authors and the moderators. `mine`: only those they proposed or supported.
    """
    mine_of = InitiativeSupport if mine else None
    initiatives = (
        petitions_for(Initiative, municipality=municipality, viewer=viewer, query=query, mine_of=mine_of)
        .exclude(status=Status.DRAFT)
        .select_related("district")
    )
    if status in LISTED:
        initiatives = initiatives.filter(status=status)
    if district is not None:
        initiatives = initiatives.filter(district=district)
    supported = (
        Exists(InitiativeSupport.objects.filter(petition=OuterRef("pk"), user=viewer))
        if is_signed_in(viewer)
        else Value(False)
    )
    return initiatives.annotate(supported=supported).order_by(*ORDERINGS.get(order, ORDERINGS["new"]))


def initiatives_overdue_count(*, municipality: Municipality) -> int:
    """How many of the municipality's initiatives owe an answer past its day (hidden ones are not overdue)."""
    return petitions_overdue_count(Initiative, municipality=municipality)


def initiative_drafts_of(*, municipality: Municipality, author: Any) -> QuerySet[Initiative]:
    """`author`'s drafts in `municipality`, newest first (none for an anonymous visitor)."""
    if not is_signed_in(author):
        return Initiative.objects.none()
    return Initiative.objects.filter(municipality=municipality, author=author, status=Status.DRAFT).order_by(
        "-created_at", "-id"
    )


def initiative_policy_of(*, municipality: Municipality) -> InitiativePolicy:
    """The municipality's policy; the defaults (unsaved) when it has never been set or needed."""
    policy = InitiativePolicy.objects.filter(municipality=municipality).first()
    return policy if policy is not None else InitiativePolicy(municipality=municipality)


def district_residents_of(*, policy: InitiativePolicy) -> dict[int, int]:
    """District id → its number of residents, as stored on the policy."""
    if policy.pk is None:
        return {}
    return dict(DistrictResidents.objects.filter(policy=policy).values_list("district_id", "residents"))


def residents_counted(
    *, policy: InitiativePolicy, municipality: Municipality, district: District | None
) -> int | None:
    """How many residents a share-based threshold is a share of; None when nobody has said."""
    if policy.scope == Scope.DISTRICT:
        if district is None or policy.pk is None:
            return None
        row = DistrictResidents.objects.filter(policy=policy, district=district).first()
        return row.residents if row is not None else None
    return municipality.population or None


def threshold_for(
    *, policy: InitiativePolicy, municipality: Municipality, district: District | None
) -> int | None:
    """Supporters an initiative published now needs: a number, or a share of residents rounded up.

    None when the threshold is a share of residents whose number is not known.
    """
    if policy.threshold_kind == ThresholdKind.COUNT:
        return policy.support_threshold
    residents = residents_counted(policy=policy, municipality=municipality, district=district)
    if residents is None:
        return None
    return max(1, math.ceil(Decimal(residents) * Decimal(policy.support_percent) / 100))


def initiative_milestones(*, initiative: Initiative) -> list[ImplementationMilestone]:
    """The milestones in the order they fall due (undated last), each with its photos."""
    return list(
        ImplementationMilestone.objects.filter(initiative=initiative)
        .prefetch_related(Prefetch("photos", queryset=MilestonePhoto.objects.order_by("created_at", "id")))
        .order_by(F("due").asc(nulls_last=True), "created_at", "id")
    )


def vote_leaders(*, poll: Poll) -> list[OptionResult]:
    """The options with the most votes: one, or several when they tie."""
    options = poll_results(poll=poll).options
    if not options:
        return []
    top = max(option.votes for option in options)
    return [option for option in options if option.votes == top]
