"""A municipality's page shows what is live now: open polls, budgeting, running crowd projects,
initiatives and appeals gathering support, recent reports, the map and the calls to act; each block
says when it is empty."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from veche.accounts.models import User
from veche.appeals.services import appeal_create
from veche.budgeting.models import Process
from veche.budgeting.services.setup import process_schedule
from veche.core.testing import localised_numbers
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.initiatives.services import initiative_create
from veche.municipalities.models import Municipality
from veche.polls.models import Poll
from veche.reports.models import Report

CITY = "/m/testgrad/"
# The page's queries: the municipality, its districts and categories, the town square's comment
# count and two content types (their cache is emptied before each count), one per live block and
# one more for each prefetching list (polls' districts, processes' budgets, projects' stages); for a
# signed-in visitor also the session, the user, their roles, their verification and unread notifications.
ANONYMOUS_QUERIES = 14
SIGNED_IN_QUERIES = 19


def _block(page: str, block: str) -> str:
    """The HTML of one live block of the page."""
    start = page.index(f'id="live-{block}"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def writer(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("writer", verified_in=municipality)


@pytest.fixture
def live_city(
    municipality: Municipality,
    writer: User,
    make_poll: Callable[..., Poll],
    make_process: Callable[..., Process],
    routed: Callable[..., Report],
    submit: Callable[..., Report],
    municipal_admin: User,
) -> dict[str, object]:
    """Something in every block, and things that must not show: a closed poll, a draft
    initiative, a draft project, a report awaiting moderation."""
    project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING, title="Набережная"
    )
    project_in_stage(
        actor=municipal_admin,
        municipality=municipality,
        kind=StageKind.IDEAS,
        title="Черновик проекта",
        publish=False,
    )
    open_poll = make_poll("Где поставить новую площадку?", lasts=timedelta(days=3))
    make_poll("Закрытый опрос", opens_in=timedelta(days=-3), lasts=timedelta(days=1))
    process = make_process()
    initiative = initiative_create(
        author=writer, municipality=municipality, title="Велодорожка", body="Разметить полосу.", publish=True
    )
    initiative_create(author=writer, municipality=municipality, title="Черновик инициативы", body="Текст.")
    appeal = appeal_create(
        author=writer, municipality=municipality, title="Верните автобус 12", body="Нужен."
    )
    public = routed(writer, description="Не горит фонарь у школы")
    submit(writer, description="Ещё не проверено модератором")
    return {
        "poll": open_poll,
        "process": process,
        "initiative": initiative,
        "appeal": appeal,
        "report": public,
    }


def test_an_empty_city_says_so_in_every_block(client: Client, municipality: Municipality) -> None:
    page = client.get(CITY).content.decode()

    assert "Сейчас нет открытых опросов." in _block(page, "polls")
    assert "Кампаний инициативного бюджетирования пока нет." in _block(page, "budgeting")
    assert "Сейчас не идёт ни один краудпроект." in _block(page, "projects")
    assert "Сейчас ни одна инициатива не собирает поддержку." in _block(page, "initiatives")
    assert "Сейчас ни одна петиция не собирает подписи." in _block(page, "appeals")
    assert "Здесь ещё никто не сообщал о проблемах. Будьте первым." in _block(page, "reports")


def test_the_live_blocks_show_what_is_open_with_dates_and_counts(
    client: Client, municipality: Municipality, live_city: dict[str, object]
) -> None:
    page = client.get(CITY).content.decode()

    poll = live_city["poll"]
    assert isinstance(poll, Poll)
    polls = _block(page, "polls")
    assert "Где поставить новую площадку?" in polls
    assert f'datetime="{timezone.localtime(poll.closes_at).isoformat()}"' in polls
    assert "Закрытый опрос" not in polls
    assert "Сейчас нет открытых опросов." not in polls
    budgeting = _block(page, "budgeting")
    assert "Participatory budget" in budgeting and "Голосование" in budgeting
    projects = _block(page, "projects")
    assert "Набережная" in projects and "Голосование" in projects and "Черновик проекта" not in page
    initiatives = _block(page, "initiatives")
    assert "Велодорожка" in initiatives and "Сбор поддержки до" in initiatives
    assert "Черновик инициативы" not in page
    appeals = _block(page, "appeals")
    assert "Верните автобус 12" in appeals and "0 подписей" in appeals
    reports = _block(page, "reports")
    assert "Не горит фонарь у школы" in reports
    assert "Ещё не проверено модератором" not in page
    # What a script reads (dates in `datetime`, any data-*) is written unlocalised.
    assert localised_numbers(page) == []


def test_the_page_calls_to_act_and_links_the_map(client: Client, municipality: Municipality) -> None:
    page = client.get(CITY).content.decode()

    assert f'href="{CITY}reports/map/"' in page
    assert "Открыть карту" in page and "Подписать петицию" in page and "Сообщить о проблеме" in page
    # An anonymous visitor is offered an account that brings them back here.
    assert f'href="/accounts/signup/?next={CITY}"' in page


@pytest.mark.language("en")
def test_the_blocks_speak_english(
    client: Client, municipality: Municipality, live_city: dict[str, object]
) -> None:
    page = client.get(CITY, headers={"accept-language": "en"}).content.decode()

    assert "Open the map" in page and "Sign an appeal" in page and "Report a problem" in page
    assert "Support until" in _block(page, "initiatives")
    assert "Nobody has reported" not in page


def test_an_anonymous_visit_takes_a_fixed_number_of_queries(
    client: Client, municipality: Municipality, live_city: dict[str, object], django_assert_num_queries
) -> None:
    ContentType.objects.clear_cache()
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        response = client.get(CITY)
    assert "Велодорожка" in response.content.decode()


def test_more_of_everything_takes_no_more_queries(
    client: Client,
    municipality: Municipality,
    live_city: dict[str, object],
    writer: User,
    make_poll: Callable[..., Poll],
    make_process: Callable[..., Process],
    routed: Callable[..., Report],
    municipal_admin: User,
    django_assert_num_queries,
) -> None:
    for i in range(4):
        project_in_stage(
            actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, title=f"Проект {i}"
        )
        make_poll(f"Ещё опрос {i}")
        make_process()
        appeal_create(author=writer, municipality=municipality, title=f"Петиция {i}", body="Текст.")
        routed(writer, description=f"Ещё проблема {i}")

    ContentType.objects.clear_cache()
    with django_assert_num_queries(ANONYMOUS_QUERIES):
        page = client.get(CITY).content.decode()
    # Each block shows a few and links to the rest.
    assert page.count('href="/m/testgrad/polls/') >= 3
    assert _block(page, "reports").count("report-row") == 5


def test_a_signed_in_visit_takes_a_fixed_number_of_queries(
    client_for: Callable[..., Client], resident: User, live_city: dict[str, object], django_assert_num_queries
) -> None:
    client = client_for(resident)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(SIGNED_IN_QUERIES):
        response = client.get(CITY)
    assert "Верните автобус 12" in response.content.decode()


def test_the_budgeting_block_says_when_voting_closes_as_the_list_does(
    client: Client,
    municipality: Municipality,
    make_process: Callable[..., Process],
    municipal_admin: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)  # 19:00 in Moscow
    monkeypatch.setattr(timezone, "now", lambda: now)
    process = process_schedule(
        actor=municipal_admin,
        process=make_process(),
        dates={"voting_closes_at": datetime(2026, 12, 11, 17, 0, tzinfo=UTC)},
    )

    budgeting = _block(client.get(CITY).content.decode(), "budgeting")
    english = _block(client.get(CITY, headers={"accept-language": "en"}).content.decode(), "budgeting")

    assert process.title in budgeting
    assert "До 11 декабря 2026, 20:00" in budgeting and "Осталось 2 дня" in budgeting
    assert "Until 11 December 2026, 20:00" in english and "2 days left" in english
