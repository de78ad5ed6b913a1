"""The final report, its printable view, the project page's section and the API's decisions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.crowdprojects.models import Decision, Idea, IdeaStatus, IdeaSupport, StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.crowdprojects.tests.selection_helpers import REASON, decide, idea_in, implementing

pytestmark = pytest.mark.django_db


def _report(municipality, project, suffix=""):
    return f"/m/{municipality.slug}/projects/{project.pk}/report/{suffix}"


def test_the_report_gives_every_idea_its_figures_decision_and_milestones(
    client_for, municipality, municipal_admin, author, resident
):
    world = implementing(actor=municipal_admin, municipality=municipality, author=author)
    IdeaSupport.objects.create(petition=world.taken_up, user=resident, tier=1, created_at=timezone.now())
    html = client_for(resident).get(_report(municipality, world.project)).content.decode()
    assert world.project.title in html and "Итоговый отчёт" in html
    assert "A fountain" in html and "A car park" in html and REASON in html
    assert "Parks service" in html and "Lay the pipes" in html
    assert 'data-ideas="2"' in html and 'data-participants="2"' in html and 'data-taken-up="1"' in html
    assert "Поддержавшие" in html  # the supporters figure, registered by the ideas' part
    assert "Версия для печати" in html


@pytest.mark.language("en")
def test_the_report_in_english(client_for, municipality, municipal_admin, author):
    world = implementing(actor=municipal_admin, municipality=municipality, author=author)
    html = client_for(author, language="en").get(_report(municipality, world.project)).content.decode()
    assert "Final report" in html and "2 ideas" in html and "taken up" in html and "Who will do it" in html


@pytest.mark.parametrize("suffix", ["print/", "?print=1"])
def test_the_printable_report_has_no_navigation_and_a_print_stylesheet(
    client_for, municipality, municipal_admin, author, suffix
):
    world = implementing(actor=municipal_admin, municipality=municipality, author=author)
    page = client_for().get(_report(municipality, world.project, suffix))
    html = page.content.decode()
    assert page.status_code == 200
    assert "report-print.css" in html and 'class="printable"' in html
    assert "site-header" not in html and "<nav" not in html
    assert REASON in html and "Lay the pipes" in html


def test_before_publication_the_report_keeps_the_decisions_to_organisers(
    client_for, municipality, municipal_admin, author, resident
):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    decide(municipal_admin, idea_in(project, author))
    public = client_for(resident).get(_report(municipality, project)).content.decode()
    staff = client_for(municipal_admin).get(_report(municipality, project)).content.decode()
    assert REASON not in public and "ещё не опубликовал" in public
    assert REASON in staff and "вы видите решения" in staff
    section = client_for(resident).get(f"/m/{municipality.slug}/projects/{project.pk}/").content.decode()
    assert "Отбор и реализация" in section and REASON not in section


def test_the_project_page_lists_taken_up_ideas_once_published(
    client_for, municipality, municipal_admin, author
):
    world = implementing(actor=municipal_admin, municipality=municipality, author=author)
    html = client_for().get(world.project.get_absolute_url()).content.decode()
    assert "Принятые идеи" in html and "A fountain" in html
    assert f"/ideas/{world.taken_up.pk}/implementation/" in html


def test_the_report_reads_a_fixed_number_of_queries(client_for, municipality, municipal_admin, author):
    world = implementing(actor=municipal_admin, municipality=municipality, author=author)
    client = client_for()
    url = _report(municipality, world.project)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        more_idea = idea_in(world.project, author, f"More {n}")
        Decision.objects.create(idea=more_idea, selected=False)
        Idea.objects.filter(pk=more_idea.pk).update(
            status=IdeaStatus.NOT_SELECTED, answer=REASON, answered_at=timezone.now()
        )
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few)


def test_the_api_gives_published_decisions_only(api_for, municipality, municipal_admin, author, resident):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    ideas = [idea_in(project, author, f"Idea {n}") for n in range(4)]
    for n, idea in enumerate(ideas):
        decide(municipal_admin, idea, selected=n % 2 == 0)
    api = api_for(resident)
    url = f"/api/v1/projects/{project.pk}/decisions"
    assert api.get(url).json()["items"] == []
    from veche.crowdprojects.services.selection import project_selection_publish

    project_selection_publish(actor=municipal_admin, project=project)
    with CaptureQueriesContext(connection) as queries:
        body = api.get(url).json()
    assert len(queries) <= 8
    assert body["count"] == 4
    first = body["items"][0]
    assert first["selected"] is True and first["reason"] == REASON and first["responsible"] == "Parks service"
    assert [item["selected"] for item in body["items"]] == [True, True, False, False]
    assert api.get("/api/v1/projects/999999/decisions").status_code == 404
