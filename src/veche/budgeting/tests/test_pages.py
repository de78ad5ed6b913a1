"""The budgeting pages: lists, the ballot without JavaScript, results, and the staff pages."""

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from veche.budgeting.models import Ballot, BallotKind, Process, ProcessPhase, Proposal, ProposalStatus, Tally
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.setup import process_move
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.core.testing import localised_numbers
from veche.ledger.models import LedgerEntry


def url(process, *parts):
    return "/".join([f"/m/{process.municipality.slug}/budgets/{process.pk}", *map(str, parts)]) + "/"


def staff_url(process, *parts):
    return "/".join([f"/m/{process.municipality.slug}/staff/budgets/{process.pk}", *map(str, parts)]) + "/"


def no_inline_script(html: str) -> bool:
    return all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_the_list_and_a_process_page_show_phases_and_budgets(client_for, make_process, voter):
    process = make_process(ProcessPhase.VOTING, district_budget=True)
    draft = make_process(ProcessPhase.DRAFT)

    listing = client_for(None).get(f"/m/{process.municipality.slug}/budgets/")
    page = client_for(voter).get(url(process))

    assert listing.status_code == 200 and process.title in listing.content.decode()
    assert draft.title not in listing.content.decode()
    html = page.content.decode()
    assert page.status_code == 200 and 'aria-current="step"' in html and "Центральный" in html
    assert url(process, city_budget(process).pk, "ballot") in html
    assert client_for(voter).get(url(draft)).status_code == 404


def test_the_ballot_works_without_javascript_and_shows_the_receipt_once(client_for, make_process, voter):
    process = make_process(kind=BallotKind.KNAPSACK)
    budget = city_budget(process)
    bike, playground, *_ = options(budget)
    client = client_for(voter)

    page = client.get(url(process, budget.pk, "ballot"))
    html = page.content.decode()
    assert 'name="projects"' in html and f'data-cost="{bike.cost}"' in html
    assert "veche/ballot.js" in html and no_inline_script(html)

    answer = client.post(url(process, budget.pk, "vote"), {"projects": [bike.pk, playground.pk]})

    assert answer.status_code == 200
    ballot = Ballot.objects.get()
    assert ballot.receipt in answer.content.decode() and "Секретный код" in answer.content.decode()
    repeat = client.post(url(process, budget.pk, "vote"), {"projects": [bike.pk]}, follow=True)
    assert "Вы уже проголосовали здесь." in repeat.content.decode() and Ballot.objects.count() == 1
    # The ballot page then shows the stored ballot's receipt as every receipt is shown: readable
    # groups and a link to check it.
    again = client.get(url(process, budget.pk, "ballot")).content.decode()
    assert f'data-receipt="{ballot.receipt}"' in again and ballot.receipt[:4] + " " in again
    assert f"?receipt={ballot.receipt}" in again and "Проверить" in again


def test_a_ballot_refused_by_the_rate_limit_answers_429_with_retry_after(client_for, make_process, voter):
    process = make_process(kind=BallotKind.KNAPSACK)
    budget = city_budget(process)
    bike, *_ = options(budget)

    with override_settings(RATE_LIMITS={**settings.RATE_LIMITS, "write": "0/3600"}):
        answer = client_for(voter).post(url(process, budget.pk, "vote"), {"projects": [bike.pk]})

    assert answer.status_code == 429
    assert 0 < int(answer["Retry-After"]) <= 3600
    # The ballot again, with the refusal; nothing written.
    assert 'name="projects"' in answer.content.decode() and answer.context["vote_error"]
    assert not Ballot.objects.exists()


def test_a_ballot_over_the_budget_is_sent_back_with_the_message(client_for, make_process, voter):
    process = make_process(kind=BallotKind.KNAPSACK)
    budget = city_budget(process)
    bike, playground, _benches, fountain, _trees = options(budget)

    answer = client_for(voter).post(
        url(process, budget.pk, "vote"), {"projects": [bike.pk, fountain.pk, playground.pk]}
    )

    assert answer.status_code == 400
    assert "больше бюджета (10\u00a0000\u00a0₽)" in answer.content.decode()
    assert "checked" in answer.content.decode()  # the choice is kept to correct
    assert not Ballot.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.language("en")
def test_a_cumulative_ballot_takes_points_from_number_fields(client_for, make_process, voter):
    process = make_process(kind=BallotKind.CUMULATIVE)
    budget = city_budget(process)
    bike, playground, *_ = options(budget)
    client = client_for(voter)

    over = client.post(
        url(process, budget.pk, "vote"), {f"points_{bike.pk}": "8", f"points_{playground.pk}": "4"}
    )
    done = client.post(
        url(process, budget.pk, "vote"), {f"points_{bike.pk}": "6", f"points_{playground.pk}": "4"}
    )

    assert over.status_code == 400 and "You gave 12 points; you have 10 to share." in over.content.decode()
    assert done.status_code == 200
    assert sorted(Ballot.objects.get().choices.values_list("points", flat=True)) == [4, 6]


@override_settings(USE_THOUSAND_SEPARATOR=True)
@pytest.mark.parametrize("kind", [BallotKind.KNAPSACK, BallotKind.CUMULATIVE])
def test_the_ballot_gives_its_script_the_budget_costs_and_limits_unlocalised(
    client_for, make_process, voter, kind
):
    # In Russian, with grouped thousands on, 10000 is "10 000" for people; the running total's
    # script would read 10.
    process = make_process(kind=kind, points_total=1500 if kind == BallotKind.CUMULATIVE else None)
    budget = city_budget(process)
    bike, *_ = options(budget)

    html = client_for(voter).get(url(process, budget.pk, "ballot")).content.decode()

    assert localised_numbers(html) == []
    assert 'data-budget="10000"' in html and f'data-cost="{bike.cost}"' in html and bike.cost >= 1000
    assert "10\u00a0000\u00a0₽" in html  # the people's figure
    if kind == BallotKind.CUMULATIVE:
        assert 'data-points="1500"' in html and 'max="1500"' in html


def test_the_results_explain_every_project_in_a_table(
    client_for, make_process, resident_of, central, municipal_admin, official
):
    process = make_process()
    budget = city_budget(process)
    projects = options(budget)
    for i, chosen in enumerate([[0, 1], [0], [3], [2, 4], [1, 2]]):
        ballot_cast(
            user=resident_of(f"r{i}", central), budget=budget, choices=approve(*(projects[c] for c in chosen))
        )
    budget.process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.COUNTING)
    budget_count(actor=official, budget=budget, rule="mes")

    hidden = client_for(None).get(url(process, budget.pk, "results"))
    staff = client_for(official).get(url(process, budget.pk, "results"))
    process_move(actor=municipal_admin, process=budget.process, to=ProcessPhase.RESULTS)
    public = client_for(None).get(url(process, budget.pk, "results"))

    assert hidden.status_code == 403 and staff.status_code == 200
    assert "Пока не опубликованы: вы видите результаты" in staff.content.decode()
    html = public.content.decode()
    assert public.status_code == 200 and "<caption>" in html and 'scope="col"' in html
    assert html.count("<tr>") == len(projects) + 1
    assert "могли оплатить лишь" in html and "Финансируется в раунде 1" in html
    # Ties in plain words; the technical name behind "How the votes are counted".
    assert "выигрывает тот, чей номер идёт раньше" in html
    assert "по номеру проекта, сравниваемому как текст (10 раньше 9)" in html.lower()


def test_a_resident_proposes_and_an_official_reviews_through_the_pages(
    client_for, make_process, voter, official, municipal_admin
):
    process = make_process(ProcessPhase.PROPOSALS)
    budget = city_budget(process)

    sent = client_for(voter).post(
        url(process, "proposals/new"),
        {"budget": budget.pk, "title": "Ice rink", "description": "In winter.", "estimated_cost": "2000"},
    )
    proposal = Proposal.objects.get(title="Ice rink")
    assert sent.status_code == 302 and sent["Location"] == url(process, "proposals", proposal.pk)
    too_dear = client_for(voter).post(
        url(process, "proposals/new"),
        {"budget": budget.pk, "title": "Palace", "description": "Big.", "estimated_cost": "99999"},
    )
    assert too_dear.status_code == 400
    assert "Проект не может стоить больше всего бюджета (10\u00a0000\u00a0₽)." in too_dear.content.decode()

    process_move(actor=municipal_admin, process=process, to=ProcessPhase.REVIEW)
    queue = client_for(official).get(staff_url(process, "review"))
    assert queue.status_code == 200 and "Ice rink" in queue.content.decode()
    missing = client_for(official).post(
        staff_url(process, "review", proposal.pk), {"decision": "infeasible", "reasons": ""}, follow=True
    )
    assert "Обязательное поле." in missing.content.decode()
    decide = staff_url(process, "review", proposal.pk)
    client_for(official).post(decide, {"decision": "feasible", "cost": "2200"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reviewed_cost) == (ProposalStatus.FEASIBLE, 2200)


def test_staff_set_up_move_count_and_export_through_the_pages(
    client_for, municipality, municipal_admin, official, make_process, resident_of, central
):
    admin = client_for(municipal_admin)
    created = admin.post(
        f"/m/{municipality.slug}/staff/budgets/new/",
        {
            "title": "Yards",
            "description": "",
            "amount": "50000",
            "ballot_kind": "approval",
            "min_projects": "1",
            "max_projects": "2",
            "points_total": "",
            "rule": "mes-add1",
            "utilities": "cost",
            "tie_breaking": "lexicographic",
            "tier": "2",
        },
    )
    yards = Process.objects.get(title="Yards")
    assert created.status_code == 302 and yards.phase == ProcessPhase.DRAFT
    assert (
        admin.post(staff_url(yards, "budgets"), {"district": central.pk, "amount": "7000"}).status_code == 302
    )
    assert admin.post(staff_url(yards, "phase"), {"to": "proposals"}).status_code == 302
    assert Process.objects.get(pk=yards.pk).phase == ProcessPhase.PROPOSALS and yards.budgets.count() == 2

    process = make_process(ProcessPhase.VOTING)
    budget = city_budget(process)
    ballot_cast(user=resident_of("one", central), budget=budget, choices=approve(options(budget)[0]))
    admin.post(staff_url(process, "phase"), {"to": "counting"})
    counted = client_for(official).post(
        staff_url(process, budget.pk, "count"),
        {"rule": "greedy", "utilities": "cost", "tie_breaking": "lexicographic"},
    )
    assert counted.status_code == 302 and Tally.objects.get().rule == "greedy"
    exported = client_for(official).get(staff_url(process, budget.pk, "export.pb")[:-1])
    assert exported.status_code == 200 and exported["Content-Disposition"].endswith('.pb"')
    assert exported.content.decode().startswith("META\n")
    page = client_for(official).get(staff_url(process))
    assert page.status_code == 200 and "Пересчитать" in page.content.decode()


def test_a_paper_file_with_a_broken_row_is_shown_by_line_on_the_page(client_for, make_process, official):
    process = make_process(ProcessPhase.COUNTING)
    budget = city_budget(process)
    bike = options(budget)[0]
    upload = SimpleUploadedFile("box.csv", f"voter_id;vote\n1;{bike.pk}\n2;424242\n".encode(), "text/csv")

    answer = client_for(official).post(staff_url(process, budget.pk, "paper"), {"file": upload})

    assert answer.status_code == 400
    assert "строка 3: Проекта 424242 нет в этом бюллетене" in answer.content.decode()
    assert not Ballot.objects.exists()


def test_list_pages_cost_the_same_queries_for_2_and_6_processes(client_for, make_process, voter, official):
    def queries(client, path):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured)

    first = make_process(district_budget=True)
    make_process(ProcessPhase.PROPOSALS)
    slug = first.municipality.slug
    pages = [
        (client_for(voter), f"/m/{slug}/budgets/"),
        (client_for(official), f"/m/{slug}/staff/budgets/"),
        (client_for(voter), url(first, "proposals")),
        (client_for(official), staff_url(first, "review")),
        (client_for(voter), f"/api/v1/municipalities/{slug}/budgets"),
    ]
    few = [queries(client, path) for client, path in pages]
    for _ in range(4):
        make_process(district_budget=True)
    more_proposals = Proposal.objects.filter(process=first).first()
    for i in range(5):
        Proposal.objects.create(
            process=first,
            budget=more_proposals.budget,
            author=more_proposals.author,
            title=f"More {i}",
            description="",
            estimated_cost=10,
            created_at=more_proposals.created_at,
        )
    many = [queries(client, path) for client, path in pages]

    assert few == many
