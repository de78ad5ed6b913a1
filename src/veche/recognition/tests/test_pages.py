"""Recognition's pages, in Russian (the site's default) and English: the profile's points and badges,
a municipality's badges and public board, a badge's page, a person's ledger lines, the consent to the
board, and the municipal admin's rules."""

import pytest
from django.utils.html import escape

from veche.core.models import AuditEntry
from veche.core.testing import messages_of, text_in
from veche.recognition.models import Action, BadgeRule, BoardConsent, PointEntry, PointRule
from veche.recognition.selectors import rules_ready
from veche.recognition.tests.helpers import fixed_words

pytestmark = pytest.mark.django_db

LANGUAGES = ["ru", "en"]


def badge(municipality, code="first-fix"):
    rules_ready(municipality)
    return BadgeRule.objects.get(municipality=municipality, code=code)


def shows(html, language, message):
    return escape(text_in(language, message)) in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_profile_shows_the_badge_the_points_and_what_earned_them(
    fixed, author, client_for, municipality, language
):
    report = fixed(author)

    html = client_for(author, language=language).get("/accounts/profile/").content.decode()

    name = "Первое исправление" if language == "ru" else "First report fixed"
    assert name in html and f"/m/{municipality.slug}/badges/first-fix/" in html
    assert shows(html, language, "What earned it") and "+10" in html
    assert f"/m/{municipality.slug}/reports/{report.pk}/" in html
    assert shows(html, language, "Your report was fixed")
    assert shows(html, language, "Show me on the public board")


def test_a_profile_without_points_has_no_section(client_for, resident):
    html = client_for(resident).get("/accounts/profile/").content.decode()
    assert 'id="recognition"' not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_board_lists_only_those_who_consented_by_their_public_name(
    fixed, make_user, client_for, municipality, language
):
    shown = make_user("anna_p", display_name="Анна П.")
    hidden = make_user("boris_k", display_name="Борис К.")
    fixed(shown)
    fixed(hidden)
    client_for(shown).post(f"/m/{municipality.slug}/badges/board/consent/", {"shown": "on"})

    html = client_for(None, language=language).get(f"/m/{municipality.slug}/badges/").content.decode()

    board = html[html.index('id="board"') :]
    assert "Анна П." in board and "Борис К." not in board
    assert "anna_p" not in html and "@example.org" not in html and "boris_k" not in html
    assert shows(html, language, "Public board")
    name = "Первое исправление" if language == "ru" else "First report fixed"
    assert name in board


def test_consent_is_given_and_withdrawn_and_leads_back(fixed, author, client_for, municipality):
    fixed(author)
    client = client_for(author)
    url = f"/m/{municipality.slug}/badges/board/consent/"

    given = client.post(url, {"shown": "on", "next": "/accounts/profile/"})
    assert given.status_code == 302 and given["Location"] == "/accounts/profile/"
    assert BoardConsent.objects.filter(user=author, municipality=municipality).exists()
    withdrawn = client.post(url, {"shown": "", "next": "https://evil.example/"})
    assert withdrawn.status_code == 302 and withdrawn["Location"] == f"/m/{municipality.slug}/badges/"
    assert not BoardConsent.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_badge_page_says_how_it_is_earned_and_follows_the_threshold(
    fixed, author, client_for, municipality, municipal_admin, language
):
    fixed(author)
    first = badge(municipality)
    url = f"/m/{municipality.slug}/badges/first-fix/"
    client = client_for(author, language=language)

    html = client.get(url).content.decode()
    assert escape(fixed_words(language, 1)) in html
    assert 'id="earned-by"' in html

    # The municipal admin asks for two: the words and the award follow at once.
    admin = client_for(municipal_admin)
    edited = admin.post(
        f"/m/{municipality.slug}/staff/badges/{first.pk}/",
        {
            "name_ru": "Два исправления",
            "name_en": "Two fixed",
            "code": "first-fix",
            "condition": "reports_fixed",
            "threshold": "2",
            "active": "on",
        },
    )
    assert edited.status_code == 302, edited.content.decode()
    html = client.get(url).content.decode()
    assert escape(fixed_words(language, 2)) in html
    assert 'id="earned-by"' not in html and "1 / 2" not in html
    assert AuditEntry.objects.filter(action="badge_rule.update").count() == 1

    fixed(author, description="Another lamp is out on the corner")
    assert 'id="earned-by"' in client.get(url).content.decode()


def test_a_switched_off_or_unknown_badge_is_not_found(client_for, municipality):
    first = badge(municipality)
    BadgeRule.objects.filter(pk=first.pk).update(active=False)
    client = client_for(None)
    assert client.get(f"/m/{municipality.slug}/badges/first-fix/").status_code == 404
    assert client.get(f"/m/{municipality.slug}/badges/nonsense/").status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_points_page_explains_every_line(fixed, author, moderator, client_for, municipality, language):
    from veche.moderation.services import content_hide

    report = fixed(author)
    content_hide(moderator=moderator, content=report, reason="A face in the photo")

    response = client_for(author, language=language).get(f"/m/{municipality.slug}/badges/points/")

    html = response.content.decode()
    assert response.status_code == 200 and "+10" in html and "-10" in html
    assert "A face in the photo" in html
    assert response.context["points"] == 0


def test_the_staff_page_refuses_bad_input_field_by_field_and_changes_nothing(
    client_for, municipal_admin, municipality
):
    rules_ready(municipality)
    before = list(PointRule.objects.order_by("pk").values_list("points", "daily_limit", "active"))
    client = client_for(municipal_admin, language="en")
    url = f"/m/{municipality.slug}/staff/recognition/"
    data = {f"{a}_{f}": v for a in Action.values[:5] for f, v in (("points", "10"), ("daily_limit", "5"))}
    data.update({"vote_cast_points": "500", "report_fixed_daily_limit": "-1", "idea_selected_points": "x"})

    response = client.post(url, data)

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"vote_cast_points", "report_fixed_daily_limit", "idea_selected_points"}
    assert list(PointRule.objects.order_by("pk").values_list("points", "daily_limit", "active")) == before
    assert not AuditEntry.objects.filter(action__startswith="point_rule").exists()


def test_the_staff_page_saves_changed_rules_audited(client_for, municipal_admin, municipality):
    rules_ready(municipality)
    client = client_for(municipal_admin)
    url = f"/m/{municipality.slug}/staff/recognition/"
    assert client.get(url).status_code == 200
    data = {}
    for rule in PointRule.objects.filter(municipality=municipality):
        data.update({f"{rule.action}_points": rule.points, f"{rule.action}_daily_limit": rule.daily_limit})
        if rule.active:
            data[f"{rule.action}_active"] = "on"
    data.update({"vote_cast_points": "2", "vote_cast_daily_limit": "10"})
    data.pop("monitoring_report_active")

    response = client.post(url, data)

    assert response.status_code == 302
    assert text_in("ru", "The point rules are saved.") in messages_of(client.get(url))
    rules = {r.action: r for r in PointRule.objects.filter(municipality=municipality)}
    assert (rules["vote_cast"].points, rules["vote_cast"].daily_limit) == (2, 10)
    assert rules["monitoring_report"].active is False and rules["report_fixed"].points == 10
    assert AuditEntry.objects.filter(action="point_rule.update").count() == 2


def test_the_staff_badge_form_refuses_a_taken_or_reserved_code(client_for, municipal_admin, municipality):
    rules_ready(municipality)
    client = client_for(municipal_admin, language="en")
    base = {
        "name_ru": "Ещё",
        "code": "first-fix",
        "condition": "votes_cast",
        "threshold": "5",
        "active": "on",
    }

    taken = client.post(f"/m/{municipality.slug}/staff/badges/new/", base)
    reserved = client.post(f"/m/{municipality.slug}/staff/badges/new/", {**base, "code": "points"})
    zero = client.post(
        f"/m/{municipality.slug}/staff/badges/new/", {**base, "code": "five", "threshold": "0"}
    )

    assert taken.status_code == 400 and "code" in taken.context["form"].errors
    assert reserved.status_code == 400 and "code" in reserved.context["form"].errors
    assert zero.status_code == 400 and "threshold" in zero.context["form"].errors
    assert BadgeRule.objects.filter(municipality=municipality).count() == 5


def test_the_badges_page_costs_the_same_queries_for_2_and_6_people_on_the_board(
    fixed, make_user, client_for, municipality, django_assert_num_queries
):
    from veche.recognition.services import board_consent_set

    def people(names):
        for name in names:
            person = make_user(name)
            fixed(person)
            board_consent_set(user=person, municipality=municipality, shown=True)

    people(["p1", "p2"])
    client = client_for(None)
    url = f"/m/{municipality.slug}/badges/"
    client.get(url)
    with django_assert_num_queries(QUERIES) as few:
        client.get(url)
    people(["p3", "p4", "p5", "p6"])
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert len(response.context["board"]) == 6, few


QUERIES = 9


def test_the_profile_costs_the_same_queries_for_1_and_4_reports_fixed(
    fixed, author, client_for, django_assert_num_queries
):
    client = client_for(author)
    fixed(author)
    client.get("/accounts/profile/")
    with django_assert_num_queries(PROFILE_QUERIES):
        client.get("/accounts/profile/")
    for i in range(3):
        fixed(author, description=f"Lamp number {i} is out")
    with django_assert_num_queries(PROFILE_QUERIES):
        response = client.get("/accounts/profile/")
    assert response.content.decode().count('class="point-line') == 5  # the four lines, and the badge's one


# The session and the person, the unread notices, the verifications, memberships and tokens; the
# section: municipalities, badges, entries, polls of years, the reports' words, the consents.
PROFILE_QUERIES = 12


def test_the_django_admin_saves_rules_through_the_services_and_keeps_the_ledger_read_only(
    fixed, author, client_for, platform_admin, municipality
):
    fixed(author)
    client = client_for(platform_admin)
    first = badge(municipality)
    rule = PointRule.objects.get(municipality=municipality, action=Action.VOTE_CAST)
    entry = PointEntry.objects.get()

    for url in (
        "/admin/recognition/pointrule/",
        f"/admin/recognition/pointrule/{rule.pk}/change/",
        "/admin/recognition/badgerule/",
        f"/admin/recognition/badgerule/{first.pk}/change/",
        "/admin/recognition/pointentry/",
        f"/admin/recognition/pointentry/{entry.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    changed = client.post(
        f"/admin/recognition/pointrule/{rule.pk}/change/", {"points": "3", "daily_limit": "7", "active": "on"}
    )
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert (rule.points, rule.daily_limit) == (3, 7)
    assert AuditEntry.objects.filter(action="point_rule.update", actor=platform_admin).count() == 1
    assert (
        client.post(f"/admin/recognition/pointentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert PointEntry.objects.filter(pk=entry.pk).exists()
