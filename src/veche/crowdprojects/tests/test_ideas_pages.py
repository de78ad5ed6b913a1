"""The pages of ideas: the project page's section, proposing one with the similar ideas (in place and
as a step without JavaScript), an idea's page with its support, edit, merge and discussion."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from veche.comments.models import Comment
from veche.crowdprojects.models import Idea, IdeaStatus, IdeaSupport, StageKind
from veche.crowdprojects.services.ideas import idea_create, idea_merge, idea_support
from veche.crowdprojects.tests.helpers import project_in_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(municipality, municipal_admin):
    return project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)


@pytest.fixture
def propose(project):
    def make(author, title="Скамейки у пруда", body="Поставить новые скамейки вдоль пруда.", **extra):
        return idea_create(
            author=author, project=project, title=title, body=body, now=timezone.now(), **extra
        )

    return make


def _detail(project):
    return reverse("crowdprojects:detail", args=[project.municipality.slug, project.pk])


def _new(project):
    return reverse("crowdprojects:idea_new", args=[project.municipality.slug, project.pk])


def test_the_project_page_lists_its_ideas_by_tag_and_support(
    client_for, project, propose, resident, make_user
):
    quiet = propose(resident, title="Фонари", body="Больше фонарей на аллеях.", tags="свет")
    popular = propose(resident, title="Скамейки", body="Скамейки у пруда и в аллее.", tags="отдых, парк")
    idea_support(user=make_user("fan"), idea=popular, now=timezone.now())
    page = client_for(resident).get(_detail(project), {"sort": "popular"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("Скамейки") < html.index("Фонари")
    assert 'data-supporters="1"' in html and "#отдых" in html
    tagged = client_for(resident).get(_detail(project), {"tag": "свет"}).content.decode()
    assert quiet.title in tagged and popular.get_absolute_url() not in tagged


def test_a_tag_with_a_nul_in_it_filters_as_the_word_around_it(client_for, project, propose, resident):
    """A NUL in ?tag= (PostgreSQL cannot compare such a text) is dropped, not a 500."""
    quiet = propose(resident, title="Фонари", body="Больше фонарей на аллеях.", tags="свет")
    page = client_for(resident).get(_detail(project), {"tag": "св\x00ет"})
    assert page.status_code == 200
    assert quiet.title in page.content.decode()


def test_the_section_reads_a_fixed_number_of_queries(
    client_for, project, propose, resident, make_user, author
):
    first = propose(resident)
    client = client_for(resident)
    client.get(_detail(project))  # warm the caches of the session and the municipality
    with CaptureQueriesContext(connection) as one:
        assert client.get(_detail(project)).status_code == 200
    ideas = [
        propose(make_user(f"a{i}"), title=f"Идея {i}", body="Достаточно длинный текст идеи.", tags=f"t{i}")
        for i in range(6)
    ]
    # A merged idea credits its author on the first: the list shows co-authors too.
    idea_merge(actor=project.created_by, source=ideas[0], target=first, reason="", now=timezone.now())
    with CaptureQueriesContext(connection) as many:
        assert client.get(_detail(project)).status_code == 200
    assert len(many) == len(one)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_propose_an_idea_page(client_for, project, resident, language):
    client = client_for(resident, language=language)
    assert client.get(_new(project)).status_code == 200
    answer = client.post(
        _new(project),
        {"title": "<b>Clean</b> the pond", "body": "Clean the pond every spring.", "tags": "pond, water"},
    )
    idea = Idea.objects.get()
    assert answer.status_code == 302 and answer["Location"] == idea.get_absolute_url()
    assert idea.tags == "pond,water" and idea.title == "<b>Clean</b> the pond"
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "&lt;b&gt;Clean&lt;/b&gt; the pond" in page and "<b>Clean</b>" not in page


def test_without_javascript_similar_ideas_are_a_step(client_for, project, propose, resident, make_user):
    existing = propose(resident)
    client = client_for(make_user("newcomer"))
    data = {"title": "Новая скамейка у пруда", "body": "Нужна скамейка у пруда для пожилых."}
    step = client.post(_new(project), data)
    assert step.status_code == 200
    assert existing.title in step.content.decode()
    assert Idea.objects.count() == 1
    sent = client.post(_new(project), {**data, "confirm": str(existing.pk)})
    assert sent.status_code == 302 and Idea.objects.count() == 2


def test_the_similar_box_while_typing_and_support_in_place(client_for, project, propose, resident, make_user):
    existing = propose(resident)
    url = reverse("crowdprojects:idea_similar", args=[project.municipality.slug, project.pk])
    newcomer = client_for(make_user("newcomer"))
    box = newcomer.get(url, {"text": "скамейка пруд"})
    assert box.status_code == 200 and existing.title in box.content.decode()
    assert "data-support" in box.content.decode()
    listed = newcomer.get(
        url, {"text": "benches pond скамейки"}, headers={"Accept": "application/json"}
    ).json()
    assert listed["results"][0]["id"] == existing.pk
    assert client_for(None).get(url, {"text": "совсем другое"}).content.decode().strip() == ""
    support = reverse("crowdprojects:idea_support", args=[project.municipality.slug, project.pk, existing.pk])
    answer = newcomer.post(support, headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["message"]
    again = newcomer.post(support, headers={"Accept": "application/json"})
    assert again.status_code == 200
    existing.refresh_from_db()
    assert existing.endorsements_count == 1


def test_proposing_outside_the_ideas_stage_is_refused(client_for, municipality, municipal_admin, resident):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    answer = client_for(resident).post(_new(project), {"title": "Late", "body": "Too late for ideas here."})
    assert answer.status_code == 409
    assert not Idea.objects.exists()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_idea_page_supports_with_a_receipt(client_for, project, propose, resident, make_user, language):
    idea = propose(resident, tags="парк", latitude=55.75, longitude=37.61)
    supporter = client_for(make_user("fan"), language=language)
    page = supporter.get(idea.get_absolute_url()).content.decode()
    support = reverse("crowdprojects:idea_support", args=[project.municipality.slug, project.pk, idea.pk])
    assert support in page and 'data-lat="55.75"' in page
    assert supporter.post(support).status_code == 302
    after = supporter.get(idea.get_absolute_url()).content.decode()
    receipt = IdeaSupport.objects.get().receipt
    assert 'data-supporters="1"' in after and receipt in after


def test_the_author_edits_and_others_may_not(client_for, project, propose, resident, make_user):
    idea = propose(resident)
    edit = reverse("crowdprojects:idea_edit", args=[project.municipality.slug, project.pk, idea.pk])
    assert client_for(make_user("other")).get(edit).status_code == 404
    author = client_for(resident)
    assert edit in author.get(idea.get_absolute_url()).content.decode()
    answer = author.post(
        edit, {"title": "Скамейки", "body": "Деревянные скамейки у пруда.", "tags": "дерево"}
    )
    assert answer.status_code == 302
    idea.refresh_from_db()
    assert idea.tags == "дерево"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_moderator_merges_from_the_page(
    client_for, project, propose, resident, author, moderator, make_user, language
):
    source = propose(author, title="Скамейки в парке")
    target = propose(resident, title="Новые скамейки")
    shared = make_user("shared")
    idea_support(user=shared, idea=source, now=timezone.now())
    idea_support(user=shared, idea=target, now=timezone.now())
    client = client_for(moderator, language=language)
    page = client.get(source.get_absolute_url()).content.decode()
    merge = reverse("crowdprojects:idea_merge", args=[project.municipality.slug, project.pk, source.pk])
    assert merge in page
    assert client_for(resident).post(merge, {"target": target.pk}).status_code == 404
    answer = client.post(merge, {"target": target.pk, "reason": "Одно и то же"})
    assert answer.status_code == 302 and answer["Location"] == target.get_absolute_url()
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == IdeaStatus.MERGED and target.endorsements_count == 1
    target_page = client.get(target.get_absolute_url()).content.decode()
    assert "resident, author" in target_page
    source_page = client.get(source.get_absolute_url()).content.decode()
    assert target.get_absolute_url() in source_page and 'id="merged-into"' in source_page
    other = project_in_stage(
        actor=project.created_by, municipality=project.municipality, kind=StageKind.IDEAS
    )
    elsewhere = idea_create(
        author=resident, project=other, title="T", body="A long enough body", now=timezone.now()
    )
    refused = client.post(
        reverse("crowdprojects:idea_merge", args=[project.municipality.slug, project.pk, target.pk]),
        {"target": elsewhere.pk},
    )
    assert refused.status_code == 302
    assert Idea.objects.get(pk=target.pk).status == IdeaStatus.PUBLISHED


def test_comments_on_an_idea(client_for, project, propose, resident, make_user):
    idea = propose(resident)
    comment = reverse("crowdprojects:idea_comment", args=[project.municipality.slug, project.pk, idea.pk])
    answer = client_for(make_user("talker")).post(comment, {"body": "Хорошая идея, <script>x</script>"})
    assert answer.status_code == 302
    assert Comment.objects.count() == 1
    page = client_for(None).get(idea.get_absolute_url()).content.decode()
    assert "Хорошая идея" in page and "<script>x" not in page


def test_an_idea_of_another_project_is_not_found(
    client_for, project, propose, resident, municipality, municipal_admin
):
    idea = propose(resident)
    other = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    url = reverse("crowdprojects:idea", args=[municipality.slug, other.pk, idea.pk])
    assert client_for(resident).get(url).status_code == 404
