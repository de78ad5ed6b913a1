"""The API of recognition: a municipality's badges, the caller's badges and points with the entries
that earned them, every line of their ledger; the standard errors; a fixed number of queries."""

import pytest

from veche.moderation.services import content_hide
from veche.recognition.models import BadgeRule
from veche.recognition.selectors import rules_ready
from veche.recognition.tests.helpers import fixed_words

pytestmark = pytest.mark.django_db

BADGES_QUERIES = 4  # the municipality, its rules made, the count, the page
MY_BADGES_QUERIES = 6  # token and user, municipalities, badges, entries, polls of years, reports' words
MY_POINTS_QUERIES = 4  # token and user, the page, the reports' words, the count


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_municipalitys_badges_say_how_each_is_earned(
    client, municipality, language, django_assert_num_queries
):
    rules_ready(municipality)
    BadgeRule.objects.filter(municipality=municipality, code="co-financed").update(active=False)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    with django_assert_num_queries(BADGES_QUERIES):
        data = client.get(f"/api/v1/municipalities/{municipality.slug}/badges").json()

    assert data["count"] == 4
    first = data["items"][0]
    assert set(first) == {"code", "name", "description", "how_earned", "condition", "threshold", "url"}
    assert first["code"] == "first-fix" and first["condition"] == "reports_fixed" and first["threshold"] == 1
    assert first["name"] == ("Первое исправление" if language == "ru" else "First report fixed")
    assert first["how_earned"].startswith(fixed_words(language, 1))
    assert first["url"] == f"/m/{municipality.slug}/badges/first-fix/"
    assert "co-financed" not in {item["code"] for item in data["items"]}


def test_an_unknown_or_closed_municipality_is_404_in_the_standard_shape(client, municipality):
    municipality.is_active = False
    municipality.save()
    for slug in ("nowhere", municipality.slug):
        response = client.get(f"/api/v1/municipalities/{slug}/badges")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_my_badges_and_points_need_a_person(client):
    for url in ("/api/v1/me/badges", "/api/v1/me/points"):
        response = client.get(url)
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


def test_my_badges_name_the_entries_that_earned_them(fixed, author, api_for, municipality):
    report = fixed(author)

    data = api_for(author, language="en").get("/api/v1/me/badges").json()

    assert data["count"] == 1
    [standing] = data["items"]
    assert standing["municipality"] == municipality.slug and standing["points"] == 10
    assert standing["municipality_name"] == "Testgrad"
    [earned] = standing["badges"]
    assert earned["code"] == "first-fix" and earned["name"] == "First report fixed"
    assert earned["url"] == f"/m/{municipality.slug}/badges/first-fix/" and earned["earned_at"]
    [entry] = earned["earned_by"]
    assert entry["subject"] == f"reports.report:{report.pk}" and entry["points"] == 10
    assert entry["kind"] == "award" and entry["action"] == "report_fixed"
    assert (
        entry["reason"] == "Your report was fixed"
        and entry["url"] == f"/m/{municipality.slug}/reports/{report.pk}/"
    )
    assert entry["what"].startswith("Report “Street light: ")
    assert entry["revokes"] is None and entry["restores"] is None


def test_my_points_list_every_line_with_revocations(fixed, author, moderator, api_for, municipality):
    report = fixed(author)
    content_hide(moderator=moderator, content=report, reason="A face in the photo")

    api = api_for(author, language="en")
    data = api.get("/api/v1/me/points").json()

    assert data["count"] == 2
    revocation, award = data["items"]
    assert (revocation["kind"], revocation["points"], revocation["revokes"]) == (
        "revocation",
        -10,
        award["id"],
    )
    assert revocation["reason"] == "A moderator hid it: A face in the photo"
    assert api.get("/api/v1/me/badges").json()["items"][0]["badges"] == []
    assert api.get("/api/v1/me/points", {"municipality": municipality.slug}).json()["count"] == 2
    assert api.get("/api/v1/me/points", {"municipality": "nowhere"}).status_code == 404


def test_my_badges_and_points_cost_the_same_queries_for_1_and_4_reports(
    fixed, author, api_for, django_assert_num_queries
):
    api = api_for(author)
    fixed(author)
    api.get("/api/v1/me/badges")
    with django_assert_num_queries(MY_BADGES_QUERIES):
        api.get("/api/v1/me/badges")
    with django_assert_num_queries(MY_POINTS_QUERIES):
        api.get("/api/v1/me/points")
    for i in range(3):
        fixed(author, description=f"Lamp number {i} is out")
    with django_assert_num_queries(MY_BADGES_QUERIES):
        badges = api.get("/api/v1/me/badges").json()
    with django_assert_num_queries(MY_POINTS_QUERIES):
        points = api.get("/api/v1/me/points").json()
    assert badges["items"][0]["points"] == 40 and points["count"] == 4


def test_my_badges_page_by_municipality(fixed, author, api_for, other_municipality, municipality):
    from django.db import transaction

    from veche.recognition.models import Action
    from veche.recognition.services import points_award

    fixed(author)
    with transaction.atomic():
        points_award(
            user=author, municipality=other_municipality, action=Action.VOTE_CAST, subject=other_municipality
        )

    api = api_for(author)
    first = api.get("/api/v1/me/badges", {"limit": 1}).json()
    second = api.get("/api/v1/me/badges", {"limit": 1, "offset": 1}).json()

    assert first["count"] == second["count"] == 2
    assert {first["items"][0]["municipality"], second["items"][0]["municipality"]} == {
        municipality.slug,
        other_municipality.slug,
    }
    # A municipality closed since is no longer listed.
    other_municipality.is_active = False
    other_municipality.save()
    assert api.get("/api/v1/me/badges").json()["count"] == 1
