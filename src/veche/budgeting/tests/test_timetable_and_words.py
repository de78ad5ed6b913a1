"""The budgeting pages for residents: the announced dates with the days left, the ballot's pinned
total, and the counting rule in plain words with the technical names behind one click."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from veche.budgeting.models import BallotKind, Process, ProcessPhase, TieBreaking
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.setup import process_move, process_schedule
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.budgeting.tests.test_pages import staff_url, url
from veche.core.errors import DomainError
from veche.core.models import AuditEntry
from veche.core.testing import localised_numbers
from veche.municipalities import zones

# A Wednesday afternoon, UTC: 19:00 in Moscow, 23:00 in Novosibirsk.
NOW = datetime(2026, 12, 9, 16, 0, tzinfo=UTC)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def left(municipality, closes_at, language="ru"):
    with translation.override(language):
        return zones.time_left(closes_at, municipality=municipality, now=NOW)


@pytest.fixture
def frozen(monkeypatch):
    """The pages' clock stopped at NOW (the services take `now`; the pages read timezone.now)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def scheduled(process: Process, admin, **dates) -> Process:
    return process_schedule(actor=admin, process=process, dates=dates)


# Days left.


@pytest.mark.parametrize(
    ("closes", "russian", "english"),
    [
        (at(2026, 12, 10, 16), "Остался 1 день", "1 day left"),
        (at(2026, 12, 11, 16), "Осталось 2 дня", "2 days left"),
        (at(2026, 12, 14, 16), "Осталось 5 дней", "5 days left"),
        (at(2026, 12, 30, 16), "Остался 21 день", "21 days left"),
        (at(2026, 12, 9, 18), "Заканчивается сегодня в 21:00", "Ends today at 21:00"),
        (at(2026, 12, 9, 21), "Последний день", "Last day"),  # midnight in Moscow: today is the last day
        (at(2026, 12, 9, 15), "", ""),  # already closed
    ],
)
def test_the_days_left_are_counted_in_the_municipality_s_calendar(municipality, closes, russian, english):
    assert left(municipality, closes) == russian
    assert left(municipality, closes, "en") == english


def test_a_municipality_s_own_time_zone_decides_the_day(municipality):
    """Closing at 00:00 in Novosibirsk (17:00 UTC) is 20:00 in Moscow: there it ends "today at 20:00";
    in Novosibirsk, where it is 23:00, it is the last day, and tomorrow it is over."""
    closes = at(2026, 12, 9, 17)
    assert left(municipality, closes) == "Заканчивается сегодня в 20:00"
    municipality.timezone = "Asia/Novosibirsk"
    assert left(municipality, closes) == "Последний день"
    assert left(municipality, at(2026, 12, 10, 17)) == "Остался 1 день"


# The timetable: set by a municipal admin, checked, shown.


def test_an_admin_sets_the_dates_on_the_staff_page_in_the_municipality_s_time(
    client_for, make_process, municipal_admin
):
    process = make_process(ProcessPhase.VOTING)
    answer = client_for(municipal_admin).post(
        staff_url(process, "dates"),
        {"voting_opens_at": "2026-12-01T09:00", "voting_closes_at": "2026-12-14T20:00", "results_at": ""},
    )

    process.refresh_from_db()
    assert answer.status_code == 302 and answer["Location"] == staff_url(process)
    assert process.voting_opens_at == at(2026, 12, 1, 6)  # 09:00 in Moscow
    assert process.voting_closes_at == at(2026, 12, 14, 17)
    assert process.results_at is None and process.proposals_opens_at is None
    assert AuditEntry.objects.filter(action="budgeting.process.schedule").count() == 1
    page = client_for(municipal_admin).get(staff_url(process)).content.decode()
    assert 'value="2026-12-14T20:00"' in page and 'id="schedule-form"' in page


def test_a_date_before_the_one_it_follows_is_refused_and_nothing_changes(
    client_for, make_process, municipal_admin
):
    process = make_process(ProcessPhase.VOTING)
    scheduled(process, municipal_admin, voting_closes_at=at(2026, 12, 14, 17))

    answer = client_for(municipal_admin).post(
        staff_url(process, "dates"),
        {"proposals_closes_at": "2026-12-10T09:00", "voting_opens_at": "2026-12-05T09:00"},
    )

    process.refresh_from_db()
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "Эта дата должна быть позже, чем «конец приёма проектов»." in html
    assert process.voting_closes_at == at(2026, 12, 14, 17) and process.proposals_closes_at is None
    with pytest.raises(DomainError) as refused:
        scheduled(process, municipal_admin, voting_opens_at=NOW, voting_closes_at=NOW)
    assert list(refused.value.fields) == ["voting_closes_at"]


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "1999-12-31T23:00", "9999-12-31T23:59"])
def test_a_date_outside_the_years_a_city_plans_for_is_refused_and_the_pages_still_open(
    client_for, make_process, municipal_admin, voter, typed
):
    """Year 1 in Moscow's time of that age is out of PostgreSQL's range once shifted to UTC: stored,
    it made the city page fail for everyone; now it is refused like any wrong date."""
    process = make_process(ProcessPhase.PROPOSALS)

    answer = client_for(municipal_admin).post(staff_url(process, "dates"), {"results_at": typed})

    process.refresh_from_db()
    assert answer.status_code == 400 and "Укажите дату с 2000 по" in answer.content.decode()
    assert process.results_at is None
    assert client_for(voter).get(f"/m/{process.municipality.slug}/").status_code == 200


def test_only_municipal_admins_set_the_dates(client_for, make_process, official, voter):
    process = make_process(ProcessPhase.VOTING)
    for person in (official, voter):
        answer = client_for(person).post(
            staff_url(process, "dates"), {"voting_closes_at": "2026-12-14T20:00"}
        )
        assert answer.status_code in (403, 404)
    process.refresh_from_db()
    assert process.voting_closes_at is None


def test_the_process_page_shows_each_phase_s_dates_and_the_days_left(
    client_for, make_process, municipal_admin, voter, frozen
):
    process = scheduled(
        make_process(ProcessPhase.VOTING),
        municipal_admin,
        proposals_opens_at=at(2026, 11, 1, 6),
        proposals_closes_at=at(2026, 11, 15, 21),
        voting_opens_at=at(2026, 12, 1, 6),
        voting_closes_at=at(2026, 12, 14, 17),
        results_at=at(2026, 12, 20, 9),
    )

    russian = client_for(voter).get(url(process)).content.decode()
    english = client_for(voter, language="en").get(url(process)).content.decode()

    table = russian[russian.index('id="timetable"') :]
    assert "1 ноября 2026, 09:00" in table and "16 ноября 2026, 00:00" in table
    assert "1 декабря 2026, 09:00" in table and "14 декабря 2026, 20:00" in table
    assert "20 декабря 2026, 12:00" in table
    assert '<time datetime="2026-12-14T20:00:00+03:00">' in table
    assert re.search(r'<tr aria-current="step">\s*<th scope="row">Голосование', table)
    assert russian.count("Осталось 5 дней") == 2  # by the phase, and in the timetable
    assert "14 December 2026, 20:00" in english and "5 days left" in english
    assert "Europe/Moscow" in russian


def test_the_api_gives_the_timetable(api_for, make_process, municipal_admin, voter):
    process = scheduled(
        make_process(ProcessPhase.VOTING), municipal_admin, voting_closes_at=at(2026, 12, 14, 17)
    )
    budget = city_budget(process)
    answer = api_for(voter).get(f"/api/v1/budgets/{budget.pk}").json()["process"]
    assert answer["voting_closes_at"] == "2026-12-14T17:00:00Z" and answer["voting_opens_at"] is None


def test_without_dates_the_pages_say_so(client_for, make_process, voter, frozen):
    process = make_process(ProcessPhase.VOTING)
    html = client_for(voter).get(url(process)).content.decode()
    assert "Сроки пока не объявлены." in html and 'id="timetable"' not in html
    ballot = client_for(voter).get(url(process, city_budget(process).pk, "ballot")).content.decode()
    assert 'id="voting-dates"' not in ballot


def test_the_list_shows_when_the_current_phase_closes_or_the_next_opens(
    client_for, make_process, municipal_admin, voter, frozen
):
    voting = scheduled(
        make_process(ProcessPhase.VOTING), municipal_admin, voting_closes_at=at(2026, 12, 11, 17)
    )
    scheduled(make_process(ProcessPhase.PROPOSALS), municipal_admin, voting_opens_at=at(2026, 12, 20, 6))
    listing = f"/m/{voting.municipality.slug}/budgets/"

    html = client_for(voter).get(listing).content.decode()
    english = client_for(voter, language="en").get(listing).content.decode()

    assert "До 11 декабря 2026, 20:00" in html and "Осталось 2 дня" in html
    assert "Голосование с 20 декабря 2026, 09:00" in html
    assert "Until 11 December 2026, 20:00" in english and "2 days left" in english
    assert "Voting from 20 December 2026, 09:00" in english


def test_the_list_asks_no_more_queries_for_more_processes(client_for, make_process, voter, frozen):
    listing = f"/m/{make_process(ProcessPhase.VOTING).municipality.slug}/budgets/"
    client = client_for(voter)
    client.get(listing)
    with CaptureQueriesContext(connection) as one:
        client.get(listing)
    make_process(ProcessPhase.VOTING, district_budget=True)
    make_process(ProcessPhase.COUNTING)
    with CaptureQueriesContext(connection) as three:
        client.get(listing)
    assert len(three) == len(one)


def test_the_ballot_says_when_voting_closes(client_for, make_process, municipal_admin, voter, frozen):
    process = scheduled(
        make_process(ProcessPhase.VOTING),
        municipal_admin,
        voting_opens_at=at(2026, 12, 1, 6),
        voting_closes_at=at(2026, 12, 9, 20),
    )
    ballot = url(process, city_budget(process).pk, "ballot")

    russian = client_for(voter).get(ballot).content.decode()
    english = client_for(voter, language="en").get(ballot).content.decode()

    assert "Голосование: с 1 декабря 2026, 09:00 до 9 декабря 2026, 23:00." in russian
    assert "Заканчивается сегодня в 23:00" in russian
    assert "Voting: from 1 December 2026, 09:00 to 9 December 2026, 23:00." in english
    assert "Ends today at 23:00" in english


# The pinned total.


def bar_of(html: str) -> str:
    start = html.index('<div class="ballot-bar"')
    return html[start : html.index("</div>", start)]


def test_the_ballot_s_total_is_pinned_with_plain_numbers_for_scripts_and_grouped_ones_for_people(
    client_for, make_process, voter
):
    process = make_process(kind=BallotKind.KNAPSACK)
    budget = city_budget(process)
    ballot = url(process, budget.pk, "ballot")

    bar = bar_of(client_for(voter).get(ballot).content.decode())
    assert 'data-chosen="0" data-spent="0" data-given="0"' in bar
    assert 'aria-live="polite"' in bar and 'type="submit"' in bar
    assert 'Выбрано: <strong data-total="cost">0\u00a0₽</strong> из 10\u00a0000\u00a0₽' in bar
    assert '<span data-total="chosen">0</span> из 3' in bar

    # Four projects where three at most are allowed: the page comes back with the four still chosen.
    four = options(budget)[:3] + [options(budget)[4]]
    answer = client_for(voter).post(url(process, budget.pk, "vote"), {"projects": [p.pk for p in four]})
    html = answer.content.decode()
    bar = bar_of(html)
    assert answer.status_code == 400
    assert 'data-chosen="4" data-spent="10500"' in bar
    assert '<strong data-total="cost">10\u00a0500\u00a0₽</strong>' in bar
    assert localised_numbers(html) == []

    english = bar_of(client_for(voter, language="en").get(ballot).content.decode())
    assert 'Chosen: <strong data-total="cost">0\u00a0₽</strong> of 10,000\u00a0₽' in english


def test_a_cumulative_ballot_s_bar_counts_points(client_for, make_process, voter):
    process = make_process(kind=BallotKind.CUMULATIVE)
    html = client_for(voter).get(url(process, city_budget(process).pk, "ballot")).content.decode()
    assert 'Отдано баллов: <strong data-total="given">0</strong> из 10' in bar_of(html)
    assert localised_numbers(html) == []


# Plain words.

JARGON = re.compile(r"knapsack|рюкзак|Add1|1–∞|#\d|greedy|жадн|Phragm|utilities|полезност", re.IGNORECASE)


def outside_details(html: str) -> str:
    return re.sub(r"<details.*?</details>", "", html, flags=re.DOTALL)


def visible_text(html: str) -> str:
    """What a reader sees of `html` outside <details>: no tags, so no attribute (data-kind="knapsack"
    is for ballot.js)."""
    return re.sub(r"<[^>]+>", " ", outside_details(html))


def counted_process(make_process, municipal_admin, official, resident_of, central) -> Process:
    """A knapsack ballot with no upper limit, counted with Equal Shares and Add1, results public."""
    process = make_process(kind=BallotKind.KNAPSACK, max_projects=None)
    budget = city_budget(process)
    projects = options(budget)
    for i, chosen in enumerate([[0, 1], [0], [3], [2, 4], [1, 2]]):
        ballot_cast(
            user=resident_of(f"r{i}", central), budget=budget, choices=approve(*(projects[c] for c in chosen))
        )
    process_move(actor=municipal_admin, process=process, to=ProcessPhase.COUNTING)
    budget_count(actor=official, budget=budget, rule="mes-add1")
    return process_move(actor=municipal_admin, process=process, to=ProcessPhase.RESULTS)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_resident_pages_keep_the_technical_names_behind_how_the_votes_are_counted(
    client_for, make_process, municipal_admin, official, resident_of, central, voter, language
):
    process = counted_process(make_process, municipal_admin, official, resident_of, central)
    budget = city_budget(process)
    voting = make_process(kind=BallotKind.KNAPSACK, max_projects=None)
    client = client_for(voter, language=language)
    pages = {
        "list": client.get(f"/m/{process.municipality.slug}/budgets/"),
        "process": client.get(url(process)),
        "results": client.get(url(process, budget.pk, "results")),
        "ballot": client.get(url(voting, city_budget(voting).pk, "ballot")),
    }
    summary = "Как считают голоса" if language == "ru" else "How the votes are counted"
    for name, page in pages.items():
        html = page.content.decode()
        assert page.status_code == 200, name
        assert JARGON.findall(visible_text(html)) == [], name
        if name != "list":
            details = html[html.index('<details class="how-counted"') :]
            assert f"<summary>{summary}</summary>" in details, name
            knapsack = "рюкзак" if language == "ru" else "knapsack"
            assert knapsack in details.lower() and "1–∞" in details, name
    results = pages["results"].content.decode()
    plain = (
        "долю увеличивали шаг за шагом"
        if language == "ru"
        else "the share was raised step by step so that as little of the budget as possible is left unspent"
    )
    assert plain in outside_details(results) and "Add1" in results
    assert ("№ " if language == "ru" else "No. ") + options(budget)[0].project_id in results


def test_the_counting_rule_and_ties_are_named_in_plain_words(client_for, make_process, voter):
    equal = make_process(tie_breaking=TieBreaking.LEXICOGRAPHIC)
    greedy = make_process(rule="greedy", tie_breaking=TieBreaking.COST)

    html = outside_details(client_for(voter).get(url(equal)).content.decode())
    assert "<strong>Равные доли</strong>. Каждый проголосовавший получает равную часть бюджета" in html
    assert "Если у двух проектов поровну, выигрывает тот, чей номер идёт раньше" in html
    assert "№ 10 идёт раньше № 9" in html and "по номеру проекта" not in html

    html = outside_details(client_for(voter).get(url(greedy)).content.decode())
    assert "<strong>Сначала проекты с большим числом голосов, пока хватает денег</strong>" in html
    assert "Если у двух проектов поровну, выигрывает более дешёвый." in html

    english = outside_details(client_for(voter, language="en").get(url(equal)).content.decode())
    assert "<strong>Equal shares</strong>. Each voter gets an equal part of the budget" in english
    assert "so No. 10 comes before No. 9" in english
