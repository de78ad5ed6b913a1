"""When a deliberation is open and to whom: a project's follows its deliberation stage, tier and
districts; a standalone one its own dates, tier and districts. Who runs and who sees one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from veche.access.predicates import Feature
from veche.core.errors import NotFound
from veche.crowdprojects.models import ProjectTier, StageKind
from veche.deliberation.access import (
    access_deliberation,
    access_deliberation_to_run,
    can_deliberate,
    can_run_deliberation,
)
from veche.deliberation.models import Deliberation
from veche.deliberation.phases import deliberation_phase
from veche.deliberation.services import deliberation_create
from veche.deliberation.tests.helpers import open_deliberation, project_deliberation
from veche.municipalities.models import Membership

pytestmark = pytest.mark.django_db


def test_a_project_deliberation_opens_with_the_deliberation_stage(municipal_admin, municipality, resident):
    now = timezone.now()
    running = project_deliberation(municipal_admin, municipality)
    assert Feature.DELIBERATE in deliberation_phase(running, now).features
    assert can_deliberate(resident, running, now)


def test_a_project_deliberation_is_closed_in_another_stage(municipal_admin, municipality, resident):
    now = timezone.now()
    ideas = project_deliberation(municipal_admin, municipality, kind=StageKind.IDEAS)
    decision = can_deliberate(resident, ideas, now)
    assert not decision and decision.closed
    assert deliberation_phase(ideas, now).features == frozenset({Feature.FLAG})


def test_a_project_deliberation_takes_the_project_tier_and_districts(
    municipal_admin, municipality, resident, resident_of, central, northern
):
    now = timezone.now()
    verified_only = project_deliberation(
        municipal_admin, municipality, tier=ProjectTier.VERIFIED, districts=[central]
    )
    assert verified_only.tier == ProjectTier.VERIFIED
    refused = can_deliberate(resident, verified_only, now)
    assert not refused and not refused.closed
    assert not can_deliberate(resident_of("north", northern), verified_only, now)
    assert can_deliberate(resident_of("centre", central), verified_only, now)


def test_a_standalone_deliberation_runs_between_its_dates(municipal_admin, municipality, resident):
    now = timezone.now()
    deliberation = open_deliberation(municipal_admin, municipality)
    assert can_deliberate(resident, deliberation, now)
    before = can_deliberate(resident, deliberation, deliberation.opens_at - timedelta(minutes=1))
    after = can_deliberate(resident, deliberation, deliberation.closes_at)
    assert not before and before.closed
    assert not after and after.closed


def test_a_draft_is_closed_and_seen_only_by_those_who_run_it(municipal_admin, municipality, resident):
    draft = deliberation_create(
        actor=municipal_admin,
        municipality=municipality,
        title="Черновик",
        opens_at=timezone.now() - timedelta(days=1),
    )
    assert not can_deliberate(resident, draft, timezone.now()).allowed
    assert access_deliberation(municipal_admin, draft.pk, municipality=municipality) == draft
    with pytest.raises(NotFound):
        access_deliberation(resident, draft.pk, municipality=municipality)


def test_a_standalone_deliberation_keeps_its_tier_and_districts(
    municipal_admin, municipality, resident, resident_of, central, northern
):
    now = timezone.now()
    deliberation = open_deliberation(
        municipal_admin, municipality, tier=ProjectTier.VERIFIED, districts=[central]
    )
    assert not can_deliberate(resident, deliberation, now)
    assert not can_deliberate(resident_of("north", northern), deliberation, now)
    assert can_deliberate(resident_of("centre", central), deliberation, now)


def test_who_runs_a_standalone_deliberation(municipal_admin, municipality, official, make_user, parks):
    theirs = open_deliberation(
        municipal_admin, municipality, department=official.memberships.first().department
    )
    nobodys = open_deliberation(municipal_admin, municipality, title="Без отдела")
    moderator = make_user("mod", role=Membership.Role.MODERATOR, municipality=municipality)
    assert can_run_deliberation(municipal_admin, nobodys)
    assert can_run_deliberation(official, theirs)
    assert not can_run_deliberation(official, nobodys)
    assert not can_run_deliberation(moderator, theirs)
    assert access_deliberation_to_run(official, theirs.pk) == theirs
    with pytest.raises(NotFound):
        access_deliberation_to_run(official, nobodys.pk)


def test_an_official_opens_one_only_for_their_department(official, municipality, parks):
    department = official.memberships.first().department
    made = deliberation_create(
        actor=official, municipality=municipality, title="Вопрос", department=department
    )
    assert isinstance(made, Deliberation)
    with pytest.raises(NotFound):
        deliberation_create(actor=official, municipality=municipality, title="Вопрос")


def test_access_is_by_municipality(municipal_admin, municipality, other_municipality, resident):
    deliberation = open_deliberation(municipal_admin, municipality)
    assert access_deliberation(resident, deliberation.pk, municipality=municipality) == deliberation
    with pytest.raises(NotFound):
        access_deliberation(resident, deliberation.pk, municipality=other_municipality)
    with pytest.raises(NotFound):
        access_deliberation(resident, "nonsense")
