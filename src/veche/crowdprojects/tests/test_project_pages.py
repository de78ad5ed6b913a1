"""Residents' pages of a project: the list, the project with its timeline and what one can do now,
the municipality's home page, following a project, and the notice of each stage that begins."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from veche.crowdprojects.models import Project, Stage, StageKind
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.services.projects import project_set_stages, projects_announce
from veche.crowdprojects.stages import PlannedStage
from veche.crowdprojects.tasks import projects_tick
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.notifications.models import Follow, Notification
from veche.notifications.services import follow

pytestmark = pytest.mark.django_db


def detail_url(project):
    return f"/m/{project.municipality.slug}/projects/{project.pk}/"


@pytest.fixture
def running(municipality, municipal_admin):
    roads = municipality.departments.get(name_en="Roads")
    return project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.DISCUSSION, department=roads
    )


def test_the_project_page_says_what_one_can_do_now_and_until_when(client_for, running, resident):
    page = client_for(resident).get(detail_url(running)).content.decode()

    assert 'aria-current="step"' in page and page.count('class="past"') == 1
    assert "Обсуждение" in page  # today's stage
    assert "Обсудите идеи" in page  # what one can do in it
    assert "осталось" in page.lower()  # time left
    assert "Дороги" in page and "весь город" in page  # organiser and scope
    assert "Зарегистрированные пользователи" in page  # tier


def test_the_project_page_in_english(client_for, running, resident):
    page = client_for(resident, language="en").get(detail_url(running)).content.decode()

    assert "What you can do now" in page and "Discuss the ideas" in page
    assert "days left" in page and "Roads" in page and "Registered users" in page


def test_between_stages_the_page_gives_the_reason_and_the_next_stage(
    client_for, municipality, municipal_admin, resident
):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    stages = stages_of(project)
    gap = [PlannedStage(s.kind, s.starts_at, s.ends_at, s.title, s.description) for s in stages]
    now = timezone.now()
    # The running stage ends now; the next starts in two days.
    gap[0] = PlannedStage(StageKind.IDEAS, stages[0].starts_at, now + timedelta(minutes=1))
    later = [
        PlannedStage(s.kind, s.starts_at + timedelta(days=2), s.ends_at + timedelta(days=2)) for s in gap[1:]
    ]
    project_set_stages(actor=municipal_admin, project=project, stages=[gap[0], *later])
    Stage.objects.filter(project=project, position=1).update(ends_at=now - timedelta(minutes=1))

    page = client_for(resident).get(detail_url(project)).content.decode()

    assert "Сейчас ни один этап проекта не идёт." in page
    assert "Дальше: обсуждение" in page


def test_a_verified_only_project_tells_others_to_verify(client_for, municipality, municipal_admin, resident):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, tier=2)
    page = client_for(resident).get(detail_url(project)).content.decode()
    assert f"/accounts/verify/{municipality.slug}" in page or "Подтвердить" in page


def test_the_list_reads_a_fixed_number_of_queries(client_for, municipality, municipal_admin, resident):
    client = client_for(resident)
    url = f"/m/{municipality.slug}/projects/"
    project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url)
    assert page.status_code == 200
    for title in ("Lights", "Benches", "Trees"):
        project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING, title=title)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url)
    assert len(four) == len(one) <= 12
    text = page.content.decode()
    assert "Trees" in text and "Голосование" in text


def test_the_list_in_both_languages_at_its_tabs(client_for, running, resident):
    url = f"/m/{running.municipality.slug}/projects/"
    assert (
        "Идут" in client_for(resident).get(url).content.decode()
        or "идут" in client_for(resident).get(url).content.decode()
    )
    english = client_for(resident, language="en").get(url + "?status=finished").content.decode()
    assert "No projects here." in english


def test_the_municipality_home_page_shows_running_projects(client_for, running, resident):
    page = client_for(resident).get(f"/m/{running.municipality.slug}/").content.decode()
    assert 'id="live-projects"' in page and running.title in page
    assert f"/m/{running.municipality.slug}/projects/" in page


def follows(user, project):
    return Follow.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(Project), object_id=project.pk
    ).exists()


def test_a_resident_follows_and_unfollows_a_project(client_for, running, resident):
    client = client_for(resident)
    url = detail_url(running) + "follow/"

    assert client.post(url, {"follow": "1"}).status_code == 302
    assert follows(resident, running)
    assert "Не следить" in client.get(detail_url(running)).content.decode()
    assert client.post(url, {"follow": "1"}).status_code == 302  # twice keeps one
    assert Follow.objects.count() == 1

    assert client.post(url, {"follow": "0"}).status_code == 302
    assert not follows(resident, running)


def test_following_needs_an_account_and_a_visible_project(
    client_for, municipality, municipal_admin, resident
):
    hidden = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, publish=False
    )
    anonymous = client_for().post(detail_url(hidden) + "follow/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(resident).post(detail_url(hidden) + "follow/").status_code == 404
    assert client_for(resident).get(detail_url(hidden) + "follow/").status_code == 405
    assert not Follow.objects.exists()


def test_each_stage_is_announced_once_to_the_followers(municipality, municipal_admin, resident, make_user):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    bystander = make_user("bystander")
    follow(user=resident, target=project)
    english = make_user("reader", language="en")
    follow(user=english, target=project)

    assert projects_announce() == {"announced": 1, "skipped": 0}
    assert projects_announce() == {"announced": 0, "skipped": 0}

    notices = Notification.objects.filter(kind="project.stage")
    assert {n.recipient for n in notices} == {resident, english}
    assert not Notification.objects.filter(recipient=bystander).exists()
    russian = notices.get(recipient=resident)
    assert russian.title == f"Начался этап «идеи» проекта «{project.title}»"
    assert "Предложите идею" in russian.body and "До " in russian.body
    with translation.override("en"):
        assert notices.get(recipient=english).title_text == f"Stage “ideas” of “{project.title}” has begun"


def test_the_next_stage_is_announced_when_it_begins_and_not_again_after_an_edit(
    municipality, municipal_admin, resident
):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    follow(user=resident, target=project)
    projects_announce()
    second = stages_of(project)[1]

    assert projects_announce(now=second.starts_at - timedelta(seconds=1))["announced"] == 0
    # The organiser edits the timeline: the stage that has begun is not announced again.
    stages = stages_of(project)
    project_set_stages(
        actor=municipal_admin,
        project=project,
        stages=[
            PlannedStage(s.kind, s.starts_at, s.ends_at, "Renamed" if s.position == 3 else "") for s in stages
        ],
    )
    assert projects_announce()["announced"] == 0
    assert projects_announce(now=second.starts_at + timedelta(minutes=5))["announced"] == 1
    assert projects_announce(now=second.starts_at + timedelta(minutes=65))["announced"] == 0
    assert Notification.objects.filter(recipient=resident, kind="project.stage").count() == 2


def test_drafts_and_stages_over_before_any_tick_are_not_announced(municipality, municipal_admin, resident):
    draft = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, publish=False
    )
    late = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    follow(user=resident, target=draft)
    follow(user=resident, target=late)

    told = projects_announce()

    # The late project's ideas, discussion and assessment were over before any tick: claimed quietly.
    assert told == {"announced": 1, "skipped": 3}
    assert Notification.objects.filter(kind="project.stage").count() == 1
    assert Stage.objects.filter(project=draft, announced_at__isnull=False).count() == 0


def test_the_hourly_task_announces(settings, municipality, municipal_admin, resident):
    assert settings.CELERY_BEAT_SCHEDULE["projects-tick"]["task"] == "veche.crowdprojects.tasks.projects_tick"
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    follow(user=resident, target=project)
    assert projects_tick() == {"announced": 1, "skipped": 3}
    assert projects_tick() == {"announced": 0, "skipped": 0}


def test_the_tick_runs_from_cron_too(municipality, municipal_admin, resident):
    """`veche projects tick`, for installations that run cron rather than Celery beat."""
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    follow(user=resident, target=project)
    out = StringIO()
    call_command("projects", "tick", stdout=out)
    assert "announced=1" in out.getvalue()
    assert Notification.objects.filter(kind="project.stage", recipient=resident).count() == 1
    call_command("projects", "tick", stdout=StringIO())
    assert Notification.objects.filter(kind="project.stage", recipient=resident).count() == 1
