"""CrowdWisdom's assessment: residents' ratings, criteria, experts and their published scores."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.testing import messages_of
from veche.crowdprojects import tallies
from veche.crowdprojects.models import (
    Criterion,
    ExpertScore,
    IdeaRating,
    IdeaStatus,
    ProjectExpert,
    ProjectTier,
    StageKind,
)
from veche.crowdprojects.services.assessment import (
    criterion_add,
    criterion_edit,
    criterion_remove,
    expert_invite,
    expert_remove,
    expert_score,
    idea_rate,
)
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.crowdprojects.tests.wisdom_helpers import idea_in
from veche.notifications.models import Notification

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def assessing(municipality, municipal_admin):
    return project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.ASSESSMENT)


@pytest.fixture
def idea(assessing, author):
    return idea_in(assessing, author)


def rate_url(idea):
    return f"/m/{idea.municipality.slug}/projects/{idea.project_id}/ideas/{idea.pk}/rating/"


# Residents' ratings.


def test_a_resident_rates_once_and_changes_the_rating(idea, resident):
    rating, created = idea_rate(user=resident, idea=idea, stars=4)
    assert created and rating.stars == 4 and rating.tier == 1
    again, created = idea_rate(user=resident, idea=idea, stars=2)
    assert not created and again.pk == rating.pk
    assert list(IdeaRating.objects.values_list("stars", flat=True)) == [2]


@pytest.mark.parametrize("stars", [0, 6, -1, True, "4", 4.5, None])
def test_stars_outside_1_to_5_are_refused(idea, resident, stars):
    with pytest.raises(DomainError) as refused:
        idea_rate(user=resident, idea=idea, stars=stars)
    assert "stars" in refused.value.fields
    assert not IdeaRating.objects.exists()


def test_no_rating_outside_the_assessment_stage(municipality, municipal_admin, author, resident):
    for kind in (StageKind.IDEAS, StageKind.VOTING):
        project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=kind)
        with pytest.raises(Forbidden):
            idea_rate(user=resident, idea=idea_in(project, author), stars=3)
    assert not IdeaRating.objects.exists()


def test_a_verified_project_refuses_others_and_other_districts(
    municipality, municipal_admin, author, resident, resident_of, central, northern
):
    project = project_in_stage(
        actor=municipal_admin,
        municipality=municipality,
        kind=StageKind.ASSESSMENT,
        tier=ProjectTier.VERIFIED,
        districts=[central],
    )
    idea = idea_in(project, author)
    for outsider in (resident, resident_of("north", northern)):
        with pytest.raises(Forbidden):
            idea_rate(user=outsider, idea=idea, stars=3)
    rating, _created = idea_rate(user=resident_of("centre", central), idea=idea, stars=5)
    assert rating.tier == 2 and rating.district == central


def test_merged_or_hidden_ideas_are_not_rated(idea, assessing, author, resident, moderator):
    from veche.moderation.services import content_hide

    other = idea_in(assessing, author, "Lights")
    other.status, other.merged_into = IdeaStatus.MERGED, idea
    other.save()
    with pytest.raises(Conflict):
        idea_rate(user=resident, idea=other, stars=3)
    content_hide(moderator=moderator, content=idea, reason="Spam")
    with pytest.raises(Conflict):
        idea_rate(user=resident, idea=idea, stars=3)
    assert not IdeaRating.objects.exists()


def test_the_rating_form_works_without_javascript(client_for, idea, resident):
    client = client_for(resident)
    first = client.post(rate_url(idea), {"stars": "5"}, follow=True, headers=EN)
    assert "Thank you for your rating" in messages_of(first)
    second = client.post(rate_url(idea), {"stars": "3", "back": "project"})
    assert second.status_code == 302 and second["Location"].endswith("#assessment")
    assert IdeaRating.objects.get().stars == 3
    bad = client.post(rate_url(idea), {"stars": "9"}, follow=True, headers=EN)
    assert "1 to 5" in messages_of(bad)
    assert IdeaRating.objects.get().stars == 3


def test_the_rating_button_answers_json_in_place(client_for, idea, resident):
    answer = client_for(resident).post(rate_url(idea), {"stars": "4"}, headers={"accept": "application/json"})
    assert answer.status_code == 200 and "message" in answer.json()
    refused = client_for(resident).post(
        rate_url(idea), {"stars": "x"}, headers={"accept": "application/json"}
    )
    assert refused.status_code == 400


def test_another_projects_idea_is_not_found_by_the_page(
    client_for, idea, resident, municipality, municipal_admin
):
    other = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.ASSESSMENT)
    url = f"/m/{municipality.slug}/projects/{other.pk}/ideas/{idea.pk}/rating/"
    assert client_for(resident).post(url, {"stars": "4"}).status_code == 404
    assert not IdeaRating.objects.exists()


def test_the_api_rates_201_then_200(api_for, idea, resident):
    api = api_for(resident)
    url = f"/api/v1/ideas/{idea.pk}/rating"
    first = api.put(url, json.dumps({"stars": 4}), content_type="application/json")
    assert first.status_code == 201 and first.json() == {"idea": idea.pk, "stars": 4, "created": True}
    second = api.put(url, json.dumps({"stars": 1}), content_type="application/json")
    assert second.status_code == 200 and second.json()["created"] is False
    for body in ({"stars": 0}, {"stars": "many"}, {}, {"stars": 10**20}):
        assert api.put(url, json.dumps(body), content_type="application/json").status_code in (400, 422)
    assert (
        api.put(
            "/api/v1/ideas/999999/rating", json.dumps({"stars": 3}), content_type="application/json"
        ).status_code
        == 404
    )
    assert IdeaRating.objects.get().stars == 1


def test_the_api_refuses_outside_the_stage_and_anonymous(
    api_for, client, municipality, municipal_admin, author, resident
):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.DISCUSSION)
    idea = idea_in(project, author)
    url = f"/api/v1/ideas/{idea.pk}/rating"
    answer = api_for(resident).put(url, json.dumps({"stars": 3}), content_type="application/json")
    assert answer.status_code == 403 and answer.json()["error"]["message"]
    assert client.put(url, json.dumps({"stars": 3}), content_type="application/json").status_code == 401
    assert not IdeaRating.objects.exists()


def test_figures_and_contributions_count_ratings(idea, assessing, resident, verified_resident):
    idea_rate(user=resident, idea=idea, stars=4)
    idea_rate(user=verified_resident, idea=idea, stars=5)
    figures = {f.key: values for f, values in tallies.figures_of(assessing, viewer=None)}
    assert figures["average_rating"] == {idea.pk: 4.5} and figures["ratings"] == {idea.pk: 2.0}
    rows = {c.key: c for c in tallies.contributions()}["ratings"].rows(assessing)
    assert sorted(r["tier"] for r in rows) == [1, 2]


# Criteria and experts.


def test_only_those_who_run_the_project_set_criteria(assessing, resident, official, municipal_admin):
    for outsider in (resident, official):  # the project has no department: the official does not run it
        with pytest.raises(NotFound):
            criterion_add(actor=outsider, project=assessing, name="Cost")
    cost = criterion_add(actor=municipal_admin, project=assessing, name="Cost", weight=2)
    with pytest.raises(DomainError) as twice:
        criterion_add(actor=municipal_admin, project=assessing, name="cost")
    assert "name" in twice.value.fields
    for bad in (
        {"name": "   "},
        {"name": "x" * 121},
        {"name": "Good", "weight": 0},
        {"name": "Good", "weight": 11},
    ):
        with pytest.raises(DomainError):
            criterion_add(actor=municipal_admin, project=assessing, **bad)
    edited = criterion_edit(actor=municipal_admin, criterion=cost, name="Price", description="", weight=3)
    assert (edited.name, edited.weight) == ("Price", 3)
    assert list(Criterion.objects.values_list("name", flat=True)) == ["Price"]


def test_a_used_criterion_stays_while_the_assessment_runs(idea, assessing, municipal_admin, make_user):
    cost = criterion_add(actor=municipal_admin, project=assessing, name="Cost")
    expert = expert_invite(
        actor=municipal_admin, project=assessing, user=make_user("prof"), public_name="Prof. Ivanova"
    )
    expert_score(actor=expert.user, idea=idea, scores={cost.pk: (4, "Cheap enough")})
    with pytest.raises(Conflict):
        criterion_edit(actor=municipal_admin, criterion=cost, name="Price", description="", weight=1)
    with pytest.raises(Conflict):
        criterion_remove(actor=municipal_admin, criterion=cost)
    unused = criterion_add(actor=municipal_admin, project=assessing, name="Benefit")
    criterion_remove(actor=municipal_admin, criterion=unused)
    assert list(Criterion.objects.values_list("name", flat=True)) == ["Cost"]


def test_an_invited_expert_is_told_and_invited_once(assessing, municipal_admin, make_user, resident):
    prof = make_user("prof")
    expert_invite(
        actor=municipal_admin,
        project=assessing,
        user=prof,
        public_name="Prof. Ivanova",
        affiliation="University",
    )
    notice = Notification.objects.get(recipient=prof)
    assert notice.kind == "project.expert" and notice.url.endswith("/assessment/score/")
    with pytest.raises(Conflict):
        expert_invite(actor=municipal_admin, project=assessing, user=prof, public_name="Again")
    with pytest.raises(NotFound):
        expert_invite(actor=resident, project=assessing, user=resident, public_name="Me")
    with pytest.raises(DomainError):
        expert_invite(actor=municipal_admin, project=assessing, user=resident, public_name="<b>" * 60)
    assert ProjectExpert.objects.count() == 1


def test_expert_scores_need_an_expert_the_stage_and_reasons(
    idea, assessing, municipal_admin, make_user, resident, municipality, author
):
    cost = criterion_add(actor=municipal_admin, project=assessing, name="Cost")
    benefit = criterion_add(actor=municipal_admin, project=assessing, name="Benefit")
    prof = expert_invite(
        actor=municipal_admin, project=assessing, user=make_user("prof"), public_name="Prof"
    ).user
    with pytest.raises(NotFound):
        expert_score(actor=resident, idea=idea, scores={cost.pk: (3, "Fine")})
    with pytest.raises(DomainError) as no_reason:
        expert_score(actor=prof, idea=idea, scores={cost.pk: (3, "  ")})
    assert f"comment_{cost.pk}" in no_reason.value.fields
    with pytest.raises(DomainError):
        expert_score(actor=prof, idea=idea, scores={cost.pk: (6, "Too high")})
    other = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.ASSESSMENT)
    foreign = criterion_add(actor=municipal_admin, project=other, name="Cost")
    with pytest.raises(DomainError):
        expert_score(actor=prof, idea=idea, scores={foreign.pk: (3, "Elsewhere")})
    expert_score(actor=prof, idea=idea, scores={cost.pk: (3, "Fine"), benefit.pk: (5, "Great")})
    expert_score(actor=prof, idea=idea, scores={cost.pk: (2, "Dearer than said")})
    assert sorted(ExpertScore.objects.values_list("score", "comment")) == [
        (2, "Dearer than said"),
        (5, "Great"),
    ]
    voting = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    late = criterion_add(actor=municipal_admin, project=voting, name="Cost")
    expert_invite(actor=municipal_admin, project=voting, user=prof, public_name="Prof")
    with pytest.raises(Forbidden):
        expert_score(actor=prof, idea=idea_in(voting, author), scores={late.pk: (3, "Late")})


def test_an_expert_is_removed_with_scores_until_the_assessment_ends(
    idea, assessing, municipal_admin, make_user
):
    cost = criterion_add(actor=municipal_admin, project=assessing, name="Cost")
    expert = expert_invite(
        actor=municipal_admin, project=assessing, user=make_user("prof"), public_name="Prof"
    )
    expert_score(actor=expert.user, idea=idea, scores={cost.pk: (3, "Fine")})
    expert_remove(actor=municipal_admin, expert=expert)
    assert not ExpertScore.objects.exists() and not ProjectExpert.objects.exists()


# The published assessment.


def _scored_project(municipality, municipal_admin, author, make_user, kind):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.ASSESSMENT)
    idea = idea_in(project, author)
    cost = criterion_add(actor=municipal_admin, project=project, name="Cost", weight=1)
    benefit = criterion_add(actor=municipal_admin, project=project, name="Benefit", weight=3)
    experts = [
        expert_invite(
            actor=municipal_admin,
            project=project,
            user=make_user(f"prof{i}"),
            public_name=f"Prof. Expert{i}",
            affiliation="City University",
        )
        for i in range(2)
    ]
    expert_score(
        actor=experts[0].user,
        idea=idea,
        scores={cost.pk: (2, "Costly paths 1a"), benefit.pk: (4, "Much used")},
    )
    expert_score(actor=experts[1].user, idea=idea, scores={cost.pk: (4, "Fine"), benefit.pk: (5, "Loved")})
    if kind != StageKind.ASSESSMENT:  # the assessment is over: move the timeline back
        from datetime import timedelta

        from veche.crowdprojects.models import Stage

        for stage in Stage.objects.filter(project=project):
            stage.starts_at -= timedelta(days=30)
            stage.ends_at -= timedelta(days=30)
            stage.save()
    return project, idea, cost, benefit, experts


@pytest.mark.parametrize("language", ["ru", "en"])
def test_scores_are_published_when_the_assessment_ends(
    client_for, municipality, municipal_admin, author, make_user, resident, language
):
    project, idea, cost, benefit, experts = _scored_project(
        municipality, municipal_admin, author, make_user, StageKind.VOTING
    )
    idea_rate_user = make_user("rater")
    IdeaRating.objects.create(
        idea=idea,
        user=idea_rate_user,
        stars=4,
        tier=1,
        created_at=idea.created_at,
        updated_at=idea.created_at,
    )
    url = f"/m/{municipality.slug}/projects/{project.pk}/assessment/"
    page = client_for(None, language=language).get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Prof. Expert0" in html and "City University" in html and "Costly paths 1a" in html
    # Cost: (2 + 4) / 2 = 3; benefit: 4.5; overall weighted (3×1 + 4.5×3) / 4 = 4.125.
    assert 'data-overall="4.12' in html and 'data-average="4.0"' in html
    assert ("Оценка идей" if language == "ru" else "Assessment of the ideas") in html


def test_scores_wait_for_the_end_but_organisers_and_experts_see_them(
    client_for, api_for, municipality, municipal_admin, author, make_user, resident
):
    project, idea, cost, benefit, experts = _scored_project(
        municipality, municipal_admin, author, make_user, StageKind.ASSESSMENT
    )
    url = f"/m/{municipality.slug}/projects/{project.pk}/assessment/"
    assert "Costly paths 1a" not in client_for(resident).get(url).content.decode()
    assert "Costly paths 1a" in client_for(municipal_admin).get(url).content.decode()
    assert "Costly paths 1a" in client_for(experts[1].user).get(url).content.decode()
    public = client_for(None).get(f"/api/v1/projects/{project.pk}/assessment").json()
    assert (
        public["public"] is False
        and public["ideas"][0]["scores"] == []
        and public["ideas"][0]["overall"] is None
    )
    staff = api_for(municipal_admin).get(f"/api/v1/projects/{project.pk}/assessment").json()
    assert staff["public"] is True and len(staff["ideas"][0]["scores"]) == 4
    assert staff["ideas"][0]["by_criterion"] == {str(cost.pk): 3.0, str(benefit.pk): 4.5}


def test_the_assessment_reads_a_fixed_number_of_queries(
    client_for, municipality, municipal_admin, author, make_user
):
    project, idea, cost, benefit, experts = _scored_project(
        municipality, municipal_admin, author, make_user, StageKind.VOTING
    )
    client = client_for(None)
    urls = [
        f"/m/{municipality.slug}/projects/{project.pk}/assessment/",
        f"/api/v1/projects/{project.pk}/assessment",
        f"/m/{municipality.slug}/projects/{project.pk}/",
    ]

    def measure() -> list[int]:
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    measure()
    few = measure()
    for i in range(5):
        more = idea_in(project, author, f"Idea {i}")
        ExpertScore.objects.create(
            expert=experts[0],
            idea=more,
            criterion=cost,
            score=3,
            comment="ok",
            created_at=more.created_at,
            updated_at=more.created_at,
        )
    assert measure() == few


def test_staff_manage_criteria_and_experts_on_their_page(
    client_for, assessing, municipal_admin, make_user, resident
):
    base = f"/m/{assessing.municipality.slug}/projects/{assessing.pk}/assessment/"
    assert client_for(resident).get(f"{base}manage/").status_code == 404
    assert client_for(resident).post(f"{base}criteria/", {"name": "Cost", "weight": 1}).status_code == 404
    staff = client_for(municipal_admin, language="en")
    assert staff.get(f"{base}manage/").status_code == 200
    assert staff.post(f"{base}criteria/", {"name": "Cost", "weight": "2"}).status_code == 302
    refused = staff.post(f"{base}criteria/", {"name": "cost", "weight": "1"})
    assert refused.status_code == 400 and "already has this criterion" in refused.content.decode()
    prof = make_user("prof")
    assert (
        staff.post(
            f"{base}experts/", {"account": prof.email.upper(), "public_name": "Prof", "affiliation": ""}
        ).status_code
        == 302
    )
    unknown = staff.post(f"{base}experts/", {"account": "nobody", "public_name": "X"})
    assert unknown.status_code == 400 and "no account" in unknown.content.decode()
    expert = ProjectExpert.objects.get()
    criterion = Criterion.objects.get()
    assert staff.post(f"{base}experts/{expert.pk}/remove/").status_code == 302
    assert staff.post(f"{base}criteria/{criterion.pk}/remove/").status_code == 302
    assert not ProjectExpert.objects.exists() and not Criterion.objects.exists()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_an_expert_scores_on_one_form_per_idea(
    client_for, idea, assessing, municipal_admin, make_user, resident, language
):
    cost = criterion_add(actor=municipal_admin, project=assessing, name="Cost")
    prof = expert_invite(
        actor=municipal_admin, project=assessing, user=make_user("prof"), public_name="Prof"
    ).user
    url = f"/m/{assessing.municipality.slug}/projects/{assessing.pk}/assessment/score/"
    assert client_for(resident).get(url).status_code == 404
    client = client_for(prof, language=language)
    assert client.get(url).status_code == 200
    missing = client.post(url, {"idea": idea.pk, f"idea{idea.pk}-score_{cost.pk}": "4"})
    assert missing.status_code == 400 and not ExpertScore.objects.exists()
    done = client.post(
        url,
        {"idea": idea.pk, f"idea{idea.pk}-score_{cost.pk}": "4", f"idea{idea.pk}-comment_{cost.pk}": "Good"},
    )
    assert done.status_code == 302
    assert ExpertScore.objects.get().score == 4
    assert client.post(url, {"idea": "999999"}).status_code == 404


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_project_page_lists_ideas_with_their_ratings(client_for, idea, assessing, resident, language):
    idea_rate(user=resident, idea=idea, stars=4)
    html = client_for(resident, language=language).get(assessing.get_absolute_url()).content.decode()
    assert (
        'id="assessment"' in html
        and 'data-average="4.0"' in html
        and f"{idea.get_absolute_url()}#rating" in html
    )
    assert ("Оценка" if language == "ru" else "Assessment") in html


def test_the_rate_include_renders(rf, idea, resident):
    from django.template.loader import render_to_string

    from veche.crowdprojects.services.assessment import rate_decision

    request = rf.get("/")
    request.user = resident
    html = render_to_string(
        "crowdprojects/assessment/_rate.html",
        {
            "municipality": idea.municipality,
            "project": idea.project,
            "idea": idea,
            "can_rate": rate_decision(resident, idea),
            "my_stars": 3,
            "user": resident,
        },
        request=request,
    )
    assert 'name="stars" value="3" id="stars-3" checked' in html and 'data-stars="3"' in html
