"""Projects, their timelines and what each stage opens."""

from datetime import timedelta

import pytest
from django.utils import timezone

from veche.access.predicates import Feature, allows
from veche.core.errors import Conflict, DomainError, NotFound
from veche.crowdprojects import tallies
from veche.crowdprojects.models import Idea, IdeaSupport, ProjectStatus, StageKind
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.services.projects import project_create, project_set_stages
from veche.crowdprojects.stages import PlannedStage, phase_of, stage_at
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.meetings.models import Kind
from veche.meetings.services import meeting_create

pytestmark = pytest.mark.django_db


def test_a_stage_opens_what_its_kind_declares(municipality, municipal_admin, resident):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    now = timezone.now()
    current = stage_at(stages_of(project), now)
    assert current is not None and current.kind == StageKind.IDEAS
    assert project.status_at(now) == ProjectStatus.RUNNING
    phase = phase_of(project, current)
    assert allows(resident, municipality, Feature.SUBMIT, phase)
    assert not allows(resident, municipality, Feature.VOTE, phase)
    voting = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    voting_phase = phase_of(voting, stage_at(stages_of(voting), now))
    assert allows(resident, municipality, Feature.VOTE, voting_phase)
    assert not allows(resident, municipality, Feature.SUBMIT, voting_phase)


def test_a_timeline_refuses_overlapping_or_backward_stages(municipality, municipal_admin):
    start = timezone.now() + timedelta(days=2)
    project = project_create(
        actor=municipal_admin,
        municipality=municipality,
        title="Transport plan",
        description="Which routes should change?",
        template="full",
        starts_at=start,
    )
    before = [(s.kind, s.starts_at) for s in stages_of(project)]
    overlapping = [
        PlannedStage(StageKind.IDEAS, start, start + timedelta(days=5)),
        PlannedStage(StageKind.VOTING, start + timedelta(days=4), start + timedelta(days=9)),
    ]
    with pytest.raises(DomainError) as refused:
        project_set_stages(actor=municipal_admin, project=project, stages=overlapping)
    assert "stages" in refused.value.fields
    backward = [PlannedStage(StageKind.IDEAS, start, start - timedelta(days=1))]
    with pytest.raises(DomainError):
        project_set_stages(actor=municipal_admin, project=project, stages=backward)
    assert [(s.kind, s.starts_at) for s in stages_of(project)] == before
    fine = [
        PlannedStage(StageKind.IDEAS, start, start + timedelta(days=5)),
        PlannedStage(StageKind.VOTING, start + timedelta(days=5), start + timedelta(days=9)),
    ]
    project_set_stages(actor=municipal_admin, project=project, stages=fine)
    assert [s.kind for s in stages_of(project)] == [StageKind.IDEAS, StageKind.VOTING]
    project.refresh_from_db()
    assert project.ends_at == start + timedelta(days=9)


def test_a_published_timeline_keeps_its_past(municipality, municipal_admin):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.DISCUSSION)
    stages = stages_of(project)
    moved = [PlannedStage(s.kind, s.starts_at, s.ends_at) for s in stages]
    moved[0] = PlannedStage(StageKind.ANNOUNCEMENT, stages[0].starts_at, stages[0].ends_at)
    with pytest.raises(Conflict):
        project_set_stages(actor=municipal_admin, project=project, stages=moved)
    assert stages_of(project)[0].kind == StageKind.IDEAS


def test_only_those_who_set_projects_up_open_one(municipality, official, resident):
    for actor in (official, resident):
        with pytest.raises(NotFound):
            project_create(
                actor=actor,
                municipality=municipality,
                title="Mine",
                description="A project",
                template="full",
                starts_at=timezone.now() + timedelta(days=1),
            )


def test_figures_and_contributions_count_each_idea(
    municipality, municipal_admin, resident, verified_resident
):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    now = timezone.now()
    ideas = [
        Idea.objects.create(
            municipality=municipality,
            project=project,
            author=resident,
            title=t,
            body="x" * 20,
            created_at=now,
        )
        for t in ("Benches", "Lights")
    ]
    for user in (resident, verified_resident):
        IdeaSupport.objects.create(petition=ideas[0], user=user, tier=1, created_at=now)
    [(figure, values)] = [
        (f, v) for f, v in tallies.figures_of(project, viewer=None) if f.key == "supporters"
    ]
    assert values == {ideas[0].pk: 2.0}
    counted = {c.key: c.rows(project).count() for c in tallies.contributions()}
    assert counted["ideas"] == 2 and counted["supports"] == 2


def test_editing_the_timeline_keeps_what_hangs_on_its_stages(municipality, municipal_admin):
    """Stages change in place: a meeting of a stage stays with it when another stage's title or a later
    date changes (the timeline was once written anew, and every meeting lost its stage)."""
    start = timezone.now() + timedelta(days=2)
    project = project_create(
        actor=municipal_admin,
        municipality=municipality,
        title="Transport plan",
        description="Which routes should change?",
        template="full",
        starts_at=start,
    )
    stages = stages_of(project)
    meeting = meeting_create(
        actor=municipal_admin,
        project=project,
        stage=stages[1],
        title="Talk it over",
        description="",
        kind=Kind.IN_PERSON,
        address="Lenin st, 1",
        latitude=None,
        longitude=None,
        online_url="",
        starts_at=stages[1].starts_at + timedelta(hours=2),
        ends_at=stages[1].starts_at + timedelta(hours=4),
        capacity=20,
        registration_opens=None,
    )
    edited = [PlannedStage(s.kind, s.starts_at, s.ends_at, s.title, s.description) for s in stages]
    edited[0] = PlannedStage(
        stages[0].kind, stages[0].starts_at, stages[0].ends_at, "Your ideas for the routes"
    )
    edited = edited[:4]
    project_set_stages(actor=municipal_admin, project=project, stages=edited)

    meeting.refresh_from_db()
    assert meeting.stage_id == stages[1].pk
    after = stages_of(project)
    assert [s.pk for s in after] == [s.pk for s in stages[:4]] and after[
        0
    ].title == "Your ideas for the routes"
