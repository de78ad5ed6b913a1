"""Who may do what: identity tiers, the permission table, phases, and the access_<thing> functions."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from veche.access.functions import access_comment, access_municipality
from veche.access.predicates import OPEN_DISCUSSION, Feature, Phase, allows
from veche.access.roles import PERMISSIONS, Tier, has_permission, tier_of
from veche.comments.services import comment_create
from veche.core.errors import NotFound
from veche.moderation.services import content_hide
from veche.municipalities.models import Membership


def test_tiers(make_user, municipality, other_municipality, verified_resident, resident):
    unconfirmed = make_user("newbie", confirmed=False)
    assert tier_of(AnonymousUser(), municipality) == Tier.ANONYMOUS
    assert tier_of(unconfirmed, municipality) == Tier.ANONYMOUS
    assert tier_of(resident, municipality) == Tier.REGISTERED
    assert tier_of(resident, None) == Tier.REGISTERED
    assert tier_of(verified_resident, municipality) == Tier.VERIFIED
    assert tier_of(verified_resident, other_municipality) == Tier.REGISTERED


def test_a_deleted_account_has_no_tier(make_user, municipality):
    gone = make_user("gone", verified_in=municipality, deleted_at=timezone.now())
    assert tier_of(gone, municipality) == Tier.ANONYMOUS


ROLES = [Membership.Role.MODERATOR, Membership.Role.OFFICIAL, Membership.Role.ADMIN]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_has_permission_follows_the_table(role, permission, make_user, municipality, other_municipality):
    user = make_user("staffer", role=role, municipality=municipality)
    expected = role in PERMISSIONS[permission]
    assert has_permission(user, municipality, permission) is expected
    assert has_permission(user, other_municipality, permission) is False


def test_the_table_as_written():
    assert {p for p, roles in PERMISSIONS.items() if "moderator" in roles} == {"moderate", "staff_area"}
    assert {p for p, roles in PERMISSIONS.items() if "official" in roles} == {
        "verify_residents",
        "answer_appeals",
        "answer_initiatives",
        "manage_polls",
        "run_budgets",
        # Only the projects their department organises (crowdprojects.access.can_run).
        "run_projects",
        "staff_area",
    }
    assert {p for p, roles in PERMISSIONS.items() if roles == {"admin"}} == {
        "manage_municipality",
        "manage_staff",
        "view_audit",
        "set_up_budgets",
        "set_up_projects",
        "confirm_pledges",
    }
    assert all("admin" in roles for roles in PERMISSIONS.values())


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_residents_hold_no_permission_and_platform_admins_hold_all(
    permission, resident, verified_resident, platform_admin, municipality
):
    assert not has_permission(AnonymousUser(), municipality, permission)
    assert not has_permission(resident, municipality, permission)
    assert not has_permission(verified_resident, municipality, permission)
    assert has_permission(platform_admin, municipality, permission)


def test_an_inactive_superuser_is_no_platform_admin(make_user, municipality):
    root = make_user("oldroot", superuser=True, is_active=False)
    assert not has_permission(root, municipality, "moderate")


VOTING = Phase(
    name="voting",
    features=frozenset({Feature.VOTE, Feature.COMMENT}),
    tier=Tier.VERIFIED,
    tiers=((Feature.COMMENT, Tier.REGISTERED),),
)


def test_a_phase_without_the_feature_refuses_everyone(verified_resident, platform_admin, municipality):
    for user in (verified_resident, platform_admin):
        with translation.override("en"):
            decision = allows(user, municipality, Feature.VOTE, OPEN_DISCUSSION)
        assert not decision
        assert "not open at this stage" in decision.reason


def test_a_phase_that_needs_verified_residents(resident, verified_resident, municipality, other_municipality):
    assert allows(verified_resident, municipality, Feature.VOTE, VOTING)
    with translation.override("en"):
        refused = allows(resident, municipality, Feature.VOTE, VOTING)
    assert not refused and "verified residents" in refused.reason
    assert not allows(verified_resident, other_municipality, Feature.VOTE, VOTING)
    # A feature of the phase may need less than the phase as a whole.
    assert allows(resident, municipality, Feature.COMMENT, VOTING)


def test_open_discussion_needs_a_confirmed_account(make_user, resident, municipality):
    assert allows(resident, municipality, Feature.COMMENT)
    assert allows(resident, municipality, Feature.FLAG)
    with translation.override("en"):
        refused = allows(make_user("newbie", confirmed=False), municipality, Feature.COMMENT)
    assert not refused and "confirmed e-mail" in refused.reason
    assert not allows(AnonymousUser(), municipality, Feature.COMMENT)


@pytest.fixture
def inactive(municipality):
    municipality.is_active = False
    municipality.save()
    return municipality


def test_an_inactive_municipality_is_hidden_from_residents(inactive, resident, verified_resident):
    for user in (AnonymousUser(), resident, verified_resident):
        with pytest.raises(NotFound):
            access_municipality(user, "testgrad")


def test_an_inactive_municipality_is_visible_to_platform_admins(inactive, platform_admin, client_for):
    assert access_municipality(platform_admin, "testgrad") == inactive
    assert client_for(platform_admin).get("/m/testgrad/").status_code == 200


def test_an_inactive_municipality_page_is_404_for_residents(inactive, resident, client_for):
    assert client_for(resident).get("/m/testgrad/").status_code == 404


@pytest.fixture
def hidden_comment(make_user, moderator, municipality):
    author = make_user("author")
    comment = comment_create(
        author=author, municipality=municipality, target=municipality, body="Оскорбление"
    )
    return content_hide(moderator=moderator, content=comment, reason="Грубость")


def test_access_comment_hides_hidden_comments_from_others(hidden_comment, resident, municipality):
    for user in (AnonymousUser(), resident):
        with pytest.raises(NotFound):
            access_comment(user, municipality, hidden_comment.pk)


def test_access_comment_shows_hidden_comments_to_author_and_moderators(
    hidden_comment, moderator, municipal_admin, municipality
):
    for user in (hidden_comment.author, moderator, municipal_admin):
        assert access_comment(user, municipality, hidden_comment.pk) == hidden_comment


def test_access_comment_needs_the_right_municipality_and_a_real_id(
    hidden_comment, moderator, other_municipality, make_user
):
    with pytest.raises(NotFound):
        access_comment(hidden_comment.author, other_municipality, hidden_comment.pk)
    for bad in ("abc", -1, 2**63, None):
        with pytest.raises(NotFound):
            access_comment(moderator, hidden_comment.municipality, bad)
