"""The demo's crowd projects: three cities through the whole cycle (one co-financed, one with a text
drafted together), Moscow's projects running today, the other cities without a completed one; and
loading it again adds nothing. Only the municipalities' demo is loaded before it (what it needs)."""

from io import StringIO

import pytest
from django.apps import apps
from django.utils import timezone

from veche.access.predicates import Feature, allows
from veche.accounts.models import User
from veche.crowdprojects import demo
from veche.crowdprojects.models import (
    CrowdBallot,
    Idea,
    IdeaStatus,
    IdeaSupport,
    Milestone,
    MonitoringReport,
    Project,
    Selection,
    StageKind,
)
from veche.crowdprojects.selectors import current_phase
from veche.crowdprojects.services.implementation import implementation_url
from veche.crowdprojects.services.voting import district_refusal
from veche.crowdprojects.stages import stage_at
from veche.drafting.models import Amendment, AmendmentStatus, Document
from veche.funding.models import Campaign, CampaignStatus, Pledge, PledgeStatus
from veche.ledger.selectors import all_chains, chain_break
from veche.meetings.models import Meeting
from veche.municipalities import demo as municipalities_demo
from veche.municipalities.models import Municipality

CYCLE = {StageKind.IDEAS, StageKind.VOTING, StageKind.SELECTION, StageKind.IMPLEMENTATION}


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def completed(project, now):
    stages = list(project.stages.all())
    return (
        project.published_at is not None
        and {stage.kind for stage in stages} >= CYCLE
        and all(stage.ends_at <= now for stage in stages)
    )


def running(municipality, kind, now):
    return [
        p
        for p in Project.objects.filter(municipality=municipality)
        if (stage := stage_at(list(p.stages.all()), now)) is not None and stage.kind == kind
    ]


@pytest.mark.django_db
def test_the_demo_runs_model_1_as_the_issue_says_and_loads_once(client):
    # Loaded once for every check: it takes a while, as every service call is a real one.
    municipalities_demo.load(StringIO())
    demo.load(StringIO())
    check_three_cities_carried_a_project_through_the_whole_cycle()
    check_one_was_co_financed_and_one_drafted_a_text_in_three_versions()
    check_moscow_runs_ideas_voting_and_deliberation_today_with_meetings_to_come()
    check_the_other_seven_cities_have_no_completed_project()
    check_the_pages_of_what_it_made_answer(client)

    before = row_counts()
    out = StringIO()
    demo.load(out)
    assert row_counts() == before
    assert "already loaded" in out.getvalue()


def check_three_cities_carried_a_project_through_the_whole_cycle():
    now = timezone.now()
    done = [p for p in Project.objects.select_related("municipality") if completed(p, now)]
    assert {p.municipality.slug for p in done} == {"moscow", *demo.REGIONAL}
    today = timezone.localdate()
    for project in done:
        ideas = Idea.objects.filter(project=project)
        assert ideas.filter(status=IdeaStatus.MERGED).count() == 1
        assert IdeaSupport.objects.filter(petition__project=project).count() >= 5
        assert CrowdBallot.objects.filter(project=project).count() >= 6
        assert Selection.objects.filter(project=project).exists()
        decided = ideas.exclude(status=IdeaStatus.MERGED)
        assert decided.filter(status=IdeaStatus.SELECTED).exists()
        assert decided.filter(status=IdeaStatus.NOT_SELECTED).exists()
        assert not decided.filter(decision__isnull=True).exists()
        assert not decided.filter(answer="").exists()
        milestones = Milestone.objects.filter(idea__project=project)
        assert milestones.filter(done_at__isnull=False).exists()
        assert milestones.filter(Milestone.overdue_on(today)).exists()
        assert milestones.filter(progress__gt=0, progress__lt=100).exists()
        assert MonitoringReport.objects.filter(idea__project=project).exists()
    assert all(chain_break(chain) is None for chain in all_chains())


def check_one_was_co_financed_and_one_drafted_a_text_in_three_versions():
    now = timezone.now()
    done = {p.pk for p in Project.objects.all() if completed(p, now)}
    campaign = Campaign.objects.get(idea__project__in=done)
    assert campaign.status == CampaignStatus.SUCCEEDED
    assert campaign.pledged_total == campaign.target_amount
    pledges = Pledge.objects.filter(campaign=campaign)
    assert pledges.filter(status=PledgeStatus.CONFIRMED).exists()
    assert pledges.filter(status=PledgeStatus.PLEDGED).exists()
    assert pledges.exclude(organisation_inn="").exists()

    document = Document.objects.get(project__in=done)
    assert document.published_at is not None
    assert sorted(document.versions.values_list("number", flat=True)) == [1, 2, 3]
    amendments = Amendment.objects.filter(document=document)
    assert amendments.filter(status=AmendmentStatus.ACCEPTED, applied_in__isnull=False).count() >= 2
    assert amendments.filter(status=AmendmentStatus.REJECTED).exists()
    assert not amendments.filter(decision_reason="").exists()
    assert amendments.filter(supports__isnull=False).distinct().count() == amendments.count()


def check_moscow_runs_ideas_voting_and_deliberation_today_with_meetings_to_come():
    now = timezone.now()
    moscow = Municipality.objects.get(slug="moscow")
    resident1 = User.objects.get(username="resident1")

    [ideas] = running(moscow, StageKind.IDEAS, now)
    phase = current_phase(ideas, now)
    assert allows(resident1, moscow, Feature.SUBMIT, phase)
    assert allows(resident1, moscow, Feature.SUPPORT, phase)
    assert Idea.objects.filter(project=ideas).exists()
    assert not IdeaSupport.objects.filter(user=resident1, petition__project=ideas).exists()

    [voting] = running(moscow, StageKind.VOTING, now)
    assert CrowdBallot.objects.filter(project=voting).count() >= 5
    assert not CrowdBallot.objects.filter(project=voting, user=resident1).exists()
    assert allows(resident1, moscow, Feature.VOTE, current_phase(voting, now))
    assert district_refusal(voting, resident1) == ""

    [deliberation] = running(moscow, StageKind.DELIBERATION, now)
    meetings = [m for m in Meeting.objects.filter(project=deliberation) if m.registration_open_at(now)]
    assert len(meetings) >= 2 and all(m.starts_at > now for m in meetings)
    assert any(m.seats_left == 1 for m in meetings)


def check_the_other_seven_cities_have_no_completed_project():
    now = timezone.now()
    others = Municipality.objects.exclude(slug__in=["moscow", *demo.REGIONAL])
    assert others.count() == 7
    assert not [p for p in Project.objects.filter(municipality__in=others) if completed(p, now)]
    # One of them announces a project to come.
    assert Project.objects.filter(municipality__in=others, starts_at__gt=now).count() == 1


def check_the_pages_of_what_it_made_answer(client):
    made = [
        *Project.objects.all(),
        *Campaign.objects.all(),
        *Document.objects.all(),
        *Meeting.objects.all(),
    ]
    urls = [item.get_absolute_url() for item in made]
    urls += [implementation_url(idea) for idea in Idea.objects.filter(status=IdeaStatus.SELECTED)]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)
