"""Possible duplicates: the open reports of the same kind near a new one, offered on the report form
(with "Me too" and "Follow" that act in place), asked about before filing without JavaScript, and
shown to moderators in the workspace."""

import json
import re
from collections.abc import Callable

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse

from veche.accounts.models import User
from veche.municipalities.models import Municipality
from veche.notifications.models import Follow
from veche.notifications.services import follow
from veche.reports import selectors, services
from veche.reports.models import Report, ReportSupport
from veche.reports.tests.test_pages import filing, new_url, north

pytestmark = pytest.mark.django_db

TYPED = {"address": "Тверская, 1", "description": "Не горит фонарь у подъезда"}


def nearby_url(municipality: Municipality) -> str:
    return f"/m/{municipality.slug}/reports/nearby/"


def text(response: HttpResponse) -> str:
    return response.content.decode()


def flashed(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


@pytest.fixture
def filer(make_user: Callable[..., User]) -> User:
    """A resident about to file a street-light report next to others' open ones."""
    return make_user("filer")


# The selectors


def test_duplicate_candidates_say_what_the_viewer_already_did(
    municipality, lights, resident, filer, routed, official
):
    supported = routed(resident, latitude=north(10))
    followed = routed(resident, latitude=north(-20))
    own = routed(filer, latitude=north(30))
    far = routed(resident, latitude=north(70))
    services.report_support(user=filer, report=supported)
    follow(user=filer, target=followed)

    found = selectors.duplicate_candidates(viewer=filer, category=lights, latitude=55.75, longitude=37.61)

    assert [(c.report, c.supported, c.following, c.own) for c in found] == [
        (supported, True, True, False),  # supporting follows too
        (followed, False, True, False),
        (own, False, True, True),  # an author follows their report
    ]
    assert far not in [c.report for c in found]
    assert round(found[1].distance_m) == 20


def test_duplicates_of_finds_a_pages_candidates_in_one_query(
    municipality, lights, resident, filer, submit, routed, photo, django_assert_num_queries
):
    here = routed(resident, latitude=north(15))
    there = routed(resident, latitude=north(15, of=55.80))
    routed(resident, latitude=north(90))  # too far
    routed(resident, category=municipality.categories.get(slug="pothole"), photos=[photo()])  # other kind
    new_here, new_there = submit(filer), submit(filer, latitude=55.80)
    lonely = submit(filer, latitude=55.70)

    with django_assert_num_queries(1):
        found = selectors.duplicates_of([new_here, new_there, lonely])

    assert {pk: [r for r, _ in pairs] for pk, pairs in found.items()} == {
        new_here.pk: [here],  # not new_here itself, nor the other new one (not public yet)
        new_there.pk: [there],
        lonely.pk: [],
    }
    assert selectors.duplicates_of([]) == {}


# Filing without JavaScript: a step that asks first


def test_a_filing_next_to_an_open_report_of_its_kind_asks_first_and_keeps_what_was_typed(
    client_for, municipality, lights, resident, filer, routed
):
    existing = routed(resident, latitude=north(20))

    response = client_for(filer).post(new_url(municipality), filing(lights, **TYPED))

    assert response.status_code == 200
    page = text(response)
    assert Report.objects.count() == 1  # nothing written
    assert "Обращение ещё не отправлено: возможно, об этой проблеме уже сообщили." in page
    assert "Возможно, об этой проблеме уже сообщили." in page
    assert f'href="/m/{municipality.slug}/reports/{existing.pk}/" target="_blank"' in page
    assert "Нет, у меня другое — отправить" in page
    assert "Браузер не сохраняет фотографии между шагами" in page
    assert "Не горит фонарь у подъезда</textarea>" in page
    assert 'value="Тверская, 1"' in page
    assert f'<input type="hidden" name="confirm" value="{existing.pk}">' in page
    # "Me too" without JavaScript: a button of its own small form, posted to the report's support.
    support_url = f"/m/{municipality.slug}/reports/{existing.pk}/support/"
    assert f'<form id="nearby-support-{existing.pk}" method="post" action="{support_url}">' in page
    assert f'form="nearby-support-{existing.pk}"' in page


def test_the_step_speaks_english_to_an_english_reader(
    client_for, municipality, lights, resident, filer, routed
):
    routed(resident, latitude=north(20))

    response = client_for(filer, language="en").post(new_url(municipality), filing(lights, **TYPED))

    assert response.status_code == 200
    page = text(response)
    assert "Someone may have reported this already." in page
    assert "No, mine is different — send it" in page
    assert "The browser does not keep photos between steps" in page
    assert "20 m away" in page
    assert not Report.objects.filter(author=filer).exists()


def test_a_confirmed_filing_is_written(client_for, municipality, lights, resident, filer, routed):
    existing = routed(resident, latitude=north(20))

    response = client_for(filer).post(
        new_url(municipality), filing(lights, **TYPED, confirm=str(existing.pk))
    )

    assert response.status_code == 302
    report = Report.objects.exclude(pk=existing.pk).get()
    assert (report.author, report.description) == (filer, "Не горит фонарь у подъезда")
    assert response["Location"] == f"/m/{municipality.slug}/reports/{report.pk}/"


def test_a_filing_with_nothing_nearby_is_written_at_once(
    client_for, municipality, lights, resident, filer, routed, submit
):
    routed(resident, latitude=north(80))  # too far
    submit(resident)  # not public yet: nobody can support it

    response = client_for(filer).post(new_url(municipality), filing(lights, **TYPED))

    assert response.status_code == 302
    assert Report.objects.filter(author=filer).count() == 1


@pytest.mark.parametrize("confirm", ["", "{other}", "abc,-1,{other}", "9" * 40])
def test_a_confirmation_that_does_not_name_every_candidate_asks_again(
    client_for, municipality, lights, resident, filer, routed, confirm
):
    seen = routed(resident, latitude=north(10))
    unseen = routed(resident, latitude=north(-15))  # appeared after the resident looked

    response = client_for(filer).post(
        new_url(municipality), filing(lights, **TYPED, confirm=confirm.replace("{other}", str(seen.pk)))
    )

    assert response.status_code == 200
    assert Report.objects.filter(author=filer).count() == 0
    assert f'name="confirm" value="{seen.pk},{unseen.pk}"' in text(response)


def test_me_too_from_the_step_supports_the_report_and_goes_to_it(
    client_for, municipality, lights, resident, filer, routed
):
    existing = routed(resident, latitude=north(20))

    response = client_for(filer).post(f"/m/{municipality.slug}/reports/{existing.pk}/support/")

    assert response.status_code == 302
    assert response["Location"] == f"/m/{municipality.slug}/reports/{existing.pk}/"
    assert ReportSupport.objects.filter(report=existing, user=filer).exists()
    assert Report.objects.count() == 1


# The box on the form, with JavaScript: "Me too" and "Follow" in place


def test_the_box_offers_me_too_and_follow_and_then_says_what_was_done(
    client_for, municipality, lights, resident, filer, routed
):
    existing = routed(resident, latitude=north(20))
    client = client_for(filer)
    query = {"category": lights.pk, "latitude": "55.75", "longitude": "37.61"}
    before = text(client.get(nearby_url(municipality), query))
    assert ">Меня это тоже касается</button>" in before
    assert ">Следить</button>" in before

    supported = client.post(
        f"/m/{municipality.slug}/reports/{existing.pk}/support/", HTTP_ACCEPT="application/json"
    )

    assert supported.status_code == 200
    assert json.loads(supported.content) == {"message": "Спасибо, ваша поддержка учтена."}
    assert flashed(supported) == []  # nothing waits for the next page
    assert ReportSupport.objects.filter(report=existing, user=filer).exists()
    after = text(client.get(nearby_url(municipality), query))
    assert "Вы поддерживаете это обращение." in after
    assert "Вы следите за этим обращением." in after
    assert ">Меня это тоже касается</button>" not in after

    stopped = client.post(
        f"/m/{municipality.slug}/reports/{existing.pk}/follow/",
        {"follow": "0"},
        HTTP_ACCEPT="application/json",
    )

    assert stopped.status_code == 200
    assert json.loads(stopped.content) == {"message": "Вы больше не следите за этим обращением."}
    assert not Follow.objects.filter(user=filer, object_id=existing.pk).exists()
    assert ">Следить</button>" in text(client.get(nearby_url(municipality), query))


def test_a_refused_me_too_answers_json_with_the_reason(client_for, municipality, lights, resident, routed):
    own = routed(resident)

    response = client_for(resident).post(
        f"/m/{municipality.slug}/reports/{own.pk}/support/", HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 409
    assert json.loads(response.content)["error"]["message"] == "Это ваше собственное обращение."
    assert flashed(response) == []
    assert not ReportSupport.objects.exists()


def test_the_box_tells_the_author_of_a_candidate_and_a_visitor_who_is_not_signed_in(
    client_for, municipality, lights, resident, routed
):
    routed(resident)
    query = {"category": lights.pk, "latitude": "55.75", "longitude": "37.61"}

    own = text(client_for(resident).get(nearby_url(municipality), query))
    anonymous = text(client_for().get(nearby_url(municipality), query))

    assert "Это ваше обращение." in own
    assert "<button" not in own
    assert "Войдите, чтобы поддержать." in anonymous
    assert f'?next=/m/{municipality.slug}/reports/new/"' in anonymous
    assert "<button" not in anonymous


# Moderators


def test_a_moderator_sees_the_open_reports_near_one_awaiting_moderation(
    client_for, municipality, lights, resident, filer, moderator, routed, submit, django_assert_num_queries
):
    existing = routed(resident, latitude=north(25))
    waiting = submit(filer)
    url = f"/m/{municipality.slug}/staff/reports/"
    client = client_for(moderator)
    client.get(url, {"status": "submitted"})  # sessions and caches warmed

    with django_assert_num_queries(QUERIES_OF_A_WORKSPACE_PAGE):
        response = client.get(url, {"status": "submitted"})

    page = text(response)
    row = page[page.index(f'value="{waiting.pk}"') :]
    assert "Возможно, уже сообщали:" in row
    link = rf'href="/m/{municipality.slug}/reports/{existing.pk}/"[^>]*>#{existing.pk}</a> \(25 м\)'
    assert re.search(link, row)
    # Many waiting reports, each with candidates: the same number of queries.
    for i in range(5):
        routed(resident, latitude=north(25, of=55.70 + i / 100))
        submit(filer, latitude=55.70 + i / 100)
    with django_assert_num_queries(QUERIES_OF_A_WORKSPACE_PAGE):
        response = client.get(url, {"status": "submitted"})
    assert text(response).count("Возможно, уже сообщали:") == 6


QUERIES_OF_A_WORKSPACE_PAGE = 12
