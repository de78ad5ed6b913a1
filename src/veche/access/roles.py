"""Roles per municipality, identity tiers, and which role holds which staff permission."""

from enum import IntEnum, nonmember
from typing import TypeAlias, TypeGuard

from django.contrib.auth.models import AnonymousUser

from veche.accounts.models import User, Verification
from veche.municipalities.models import District, Membership, Municipality

# Whoever a request comes from: a signed-in person, or nobody in particular.
Person: TypeAlias = User | AnonymousUser

MODERATOR = Membership.Role.MODERATOR.value
OFFICIAL = Membership.Role.OFFICIAL.value
ADMIN = Membership.Role.ADMIN.value


class Tier(IntEnum):
    """How sure we are who a person is; higher tiers include the lower ones."""

    # Templates compare tiers; they must not try to call the class.
    do_not_call_in_templates = nonmember(True)

    ANONYMOUS = 0
    REGISTERED = 1  # e-mail confirmed
    VERIFIED = 2  # residence verified in this municipality


# The one table of staff permissions: permission -> roles that hold it.
PERMISSIONS: dict[str, frozenset[str]] = {
    "manage_municipality": frozenset({ADMIN}),
    "manage_staff": frozenset({ADMIN}),
    "moderate": frozenset({MODERATOR, ADMIN}),
    "verify_residents": frozenset({OFFICIAL, ADMIN}),
    "answer_appeals": frozenset({OFFICIAL, ADMIN}),
    # Answer initiatives, track their implementation and run the vote on their options.
    "answer_initiatives": frozenset({OFFICIAL, ADMIN}),
    "manage_polls": frozenset({OFFICIAL, ADMIN}),
    # Set participatory budgeting processes up and move them between phases.
    "set_up_budgets": frozenset({ADMIN}),
    # Review proposals, count, import paper ballots, export pabulib files.
    "run_budgets": frozenset({OFFICIAL, ADMIN}),
    # Open crowd projects, choose their organiser and edit their timelines.
    "set_up_projects": frozenset({ADMIN}),
    # Run a crowd project: merge ideas, invite experts, select, publish milestones and documents. An
    # official runs only the projects their department organises (`crowdprojects.access.can_run`).
    "run_projects": frozenset({OFFICIAL, ADMIN}),
    # Mark pledges of co-financing campaigns paid (the municipality's treasury): money received is the
    # administration's business, not a department's.
    "confirm_pledges": frozenset({ADMIN}),
    "view_audit": frozenset({ADMIN}),
    "staff_area": frozenset({MODERATOR, OFFICIAL, ADMIN}),
}


def is_signed_in(user: Person | None) -> TypeGuard[User]:
    """Whether `user` is a person who signed in (not anonymous, not missing)."""
    return bool(getattr(user, "is_authenticated", False))


def is_platform_admin(user: Person) -> bool:
    return is_signed_in(user) and bool(user.is_superuser and user.is_active)


def roles_in(user: Person, municipality: Municipality) -> frozenset[str]:
    """The roles `user` holds in `municipality`, looked up once per user object."""
    if not is_signed_in(user):
        return frozenset()
    cache: dict[int, frozenset[str]] = user.__dict__.setdefault("_veche_roles", {})
    if municipality.pk not in cache:
        cache[municipality.pk] = frozenset(
            Membership.objects.filter(user=user, municipality=municipality).values_list("role", flat=True)
        )
    return cache[municipality.pk]


def has_permission(user: Person, municipality: Municipality, permission: str) -> bool:
    if is_platform_admin(user):
        return True
    return bool(roles_in(user, municipality) & PERMISSIONS[permission])


def holders_of(permission: str) -> frozenset[str]:
    """The roles that hold `permission`: for finding the people to tell (those who answer, say)."""
    return PERMISSIONS[permission]


def tier_of(user: Person, municipality: Municipality | None) -> Tier:
    if not is_signed_in(user):
        return Tier.ANONYMOUS
    if user.deleted_at or not user.email_confirmed_at:
        return Tier.ANONYMOUS
    if municipality is None:
        return Tier.REGISTERED
    return Tier.VERIFIED if _verification(user, municipality) is not None else Tier.REGISTERED


def verified_district(*, user: Person, municipality: Municipality) -> District | None:
    """The district `user`'s residence is verified in, in `municipality`; None if none is known."""
    if not is_signed_in(user):
        return None
    verification = _verification(user, municipality)
    return verification.district if verification is not None else None


def _verification(user: User, municipality: Municipality) -> Verification | None:
    """`user`'s verification in `municipality` with its district, read once a request (a vote asks
    for the tier and the district)."""
    cache: dict[int, Verification | None] = user.__dict__.setdefault("_veche_tiers", {})
    if municipality.pk not in cache:
        found = user.verifications.filter(municipality=municipality).select_related("district").first()
        cache[municipality.pk] = found
    return cache[municipality.pk]


def forget_cached_access(user: Person) -> None:
    """Drop cached roles and tiers after they change within one request."""
    user.__dict__.pop("_veche_roles", None)
    user.__dict__.pop("_veche_tiers", None)
