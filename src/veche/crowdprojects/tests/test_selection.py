"""The selection: when ideas are decided, what a decision needs, corrections, publishing and who hears."""

from datetime import timedelta

import pytest
from django.utils import timezone

from veche.core.errors import Conflict, DomainError, NotFound
from veche.core.models import AuditEntry
from veche.crowdprojects.models import (
    Decision,
    Idea,
    IdeaStatus,
    IdeaSupport,
    Selection,
    Stage,
    StageKind,
)
from veche.crowdprojects.services.selection import (
    idea_decide,
    project_selection_publish,
    selection_window,
)
from veche.crowdprojects.tests.helpers import project_in_stage, stage_of
from veche.crowdprojects.tests.selection_helpers import REASON, decide, idea_in
from veche.notifications.models import Notification
from veche.notifications.services import follow

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "opened"), [(StageKind.VOTING, False), (StageKind.SELECTION, True)])
def test_ideas_are_decided_from_the_selection_stage(municipality, municipal_admin, author, kind, opened):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=kind)
    idea = idea_in(project, author)
    if not opened:
        with pytest.raises(Conflict) as refused:
            decide(municipal_admin, idea)
        assert refused.value.code == "too_early"
        assert not Decision.objects.exists()
        return
    decision = decide(municipal_admin, idea)
    idea.refresh_from_db()
    assert decision.selected and idea.answer == REASON and idea.answered_by == municipal_admin
    # Decided, not yet public: the idea's status waits for the selection to be published.
    assert idea.status == IdeaStatus.PUBLISHED


def test_without_a_selection_stage_decisions_open_when_the_vote_ends(municipality, municipal_admin):
    now = timezone.now()
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    stages = [s for s in Stage.objects.filter(project=project).order_by("position") if s.kind != "selection"]
    window = selection_window(project, stages)
    voting = stage_of(project, StageKind.VOTING)
    assert window is not None and window.opens == voting.ends_at and window.closes is None
    assert selection_window(project, []) is None
    assert window.opens > now


def test_a_decision_needs_a_reason_and_a_taken_up_idea_who_and_when(
    municipality, other_municipality, municipal_admin, author
):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    idea = idea_in(project, author)
    for reason in ("", "   short  ", "\u200b" * 40):
        with pytest.raises(DomainError) as refused:
            idea_decide(actor=municipal_admin, idea=idea, selected=False, reason=reason)
        assert "reason" in refused.value.fields
    with pytest.raises(DomainError) as refused:
        idea_decide(actor=municipal_admin, idea=idea, selected=True, reason=REASON)
    assert {"responsible", "planned_by"} <= set(refused.value.fields)
    foreign = other_municipality.departments.first()
    with pytest.raises(DomainError) as refused:
        decide(municipal_admin, idea, department=foreign)
    assert "department" in refused.value.fields
    assert not Decision.objects.exists()
    roads = municipality.departments.get(name_en="Roads")
    decision = decide(municipal_admin, idea, department=roads, responsible="")
    assert decision.who == str(roads)


def test_only_those_who_run_the_project_decide(municipality, municipal_admin, official, resident, author):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    idea = idea_in(project, author)
    for actor in (resident, official):  # the official's department does not organise this project
        with pytest.raises(NotFound):
            decide(actor, idea)
    assert not Decision.objects.exists()


def test_corrections_are_audited_while_the_stage_runs_and_refused_after(
    municipality, municipal_admin, author
):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    idea, late = idea_in(project, author), idea_in(project, author, "Late")
    decide(municipal_admin, idea)
    decide(municipal_admin, idea, selected=False)
    actions = list(
        AuditEntry.objects.filter(target_type="crowdprojects.idea", target_id=str(idea.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["crowdprojects.idea_decide", "crowdprojects.idea_correct"]
    assert Decision.objects.get(idea=idea).selected is False
    Stage.objects.filter(project=project, kind=StageKind.SELECTION).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    with pytest.raises(Conflict) as refused:
        decide(municipal_admin, idea)
    assert refused.value.code == "too_late"
    assert Decision.objects.get(idea=idea).selected is False
    # An idea nobody decided yet can still be: the selection must be completed.
    assert decide(municipal_admin, late).selected


def test_merged_and_hidden_ideas_are_not_decided(municipality, municipal_admin, author):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    target, merged, hidden = (idea_in(project, author, t) for t in ("Target", "Merged", "Hidden"))
    Idea.objects.filter(pk=merged.pk).update(status=IdeaStatus.MERGED, merged_into=target)
    Idea.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    for idea in (merged, hidden):
        idea.refresh_from_db()
        with pytest.raises(Conflict):
            decide(municipal_admin, idea)
    decide(municipal_admin, target)
    # Published without them: they are not the selection's to answer.
    project_selection_publish(actor=municipal_admin, project=project)
    assert Idea.objects.get(pk=merged.pk).status == IdeaStatus.MERGED


def test_publishing_waits_for_every_decision_and_tells_everyone_once(
    municipality, municipal_admin, author, resident, verified_resident, make_user
):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    fountain, park = idea_in(project, author, "A fountain"), idea_in(project, author, "A car park")
    follower = make_user("follower")
    follow(user=follower, target=project)
    IdeaSupport.objects.create(petition=fountain, user=resident, tier=1, created_at=timezone.now())
    IdeaSupport.objects.create(petition=park, user=verified_resident, tier=2, created_at=timezone.now())
    decide(municipal_admin, fountain)
    with pytest.raises(Conflict) as refused:
        project_selection_publish(actor=municipal_admin, project=project)
    assert refused.value.code == "undecided" and "A car park" in refused.value.message
    assert "A fountain" not in refused.value.message
    assert not Selection.objects.exists() and not Notification.objects.exists()
    decide(municipal_admin, park, selected=False)
    project_selection_publish(actor=municipal_admin, project=project)
    assert Idea.objects.get(pk=fountain.pk).status == IdeaStatus.SELECTED
    assert Idea.objects.get(pk=park.pk).status == IdeaStatus.NOT_SELECTED
    told = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert told == sorted(
        [
            ("follower", "crowdprojects.selection"),
            (author.username, "crowdprojects.decision"),
            (author.username, "crowdprojects.decision"),
            (resident.username, "crowdprojects.decision"),
            (verified_resident.username, "crowdprojects.decision"),
        ]
    )
    with pytest.raises(Conflict):
        project_selection_publish(actor=municipal_admin, project=project)
    with pytest.raises(Conflict) as refused:
        decide(municipal_admin, park)
    assert refused.value.code == "already_published"
    assert Notification.objects.count() == len(told)


def test_the_selection_page_decides_and_publishes(
    client_for, municipality, municipal_admin, author, resident
):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    idea = idea_in(project, author)
    base = f"/m/{municipality.slug}/projects/{project.pk}/selection/"
    staff = client_for(municipal_admin)
    page = staff.get(base)
    assert page.status_code == 200 and "Опубликовать отбор" in page.content.decode()
    assert client_for(resident).get(base).status_code == 404
    prefix = ""
    bad = staff.post(f"{base}ideas/{idea.pk}/", {prefix + "decision": "yes", prefix + "reason": "short"})
    assert bad.status_code == 400 and "не менее 10" in bad.content.decode()
    assert not Decision.objects.exists()
    fine = staff.post(
        f"{base}ideas/{idea.pk}/",
        {
            prefix + "decision": "yes",
            prefix + "reason": REASON,
            prefix + "responsible": "Parks service",
            prefix + "planned_by": "2030-05-01",
        },
    )
    assert fine.status_code == 302 and Decision.objects.get(idea=idea).selected
    report = f"/m/{municipality.slug}/projects/{project.pk}/report/"
    assert REASON not in client_for(resident).get(report).content.decode()
    assert REASON in staff.get(report).content.decode()
    assert staff.post(f"{base}publish/").status_code == 302
    assert Selection.objects.filter(project=project).exists()
    assert REASON in client_for(resident).get(report).content.decode()


@pytest.mark.language("en")
def test_the_selection_page_in_english(client_for, municipality, municipal_admin, author):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    idea_in(project, author)
    page = client_for(municipal_admin, language="en").get(
        f"/m/{municipality.slug}/projects/{project.pk}/selection/"
    )
    html = page.content.decode()
    assert "Publish the selection" in html and "1 idea without a decision." in html
