"""The public analytics pages: the comparison of municipalities, a municipality's dashboard with each
chart's table and CSV, and its network of interaction; in Russian (the site's language) and English,
from roll-up rows written directly and from real rows counted by `rollup_run`."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client

from veche.accounts.models import User
from veche.analytics.charts import CHART_SLUGS
from veche.analytics.models import MonthlyFact
from veche.analytics.services import rollup_run
from veche.analytics.tests import test_decisions as world
from veche.analytics.tests.page_helpers import (
    MARCH,
    PERIOD,
    add_towns,
    count_queries,
    network_key,
    write_facts,
)
from veche.analytics.tests.test_decisions import adopted_initiative
from veche.core.testing import build_municipality, text_in
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day
from veche.reports.models import Report

# The decisions' tests' fixtures: an initiative policy of three supporters, its author, supporters.
policy, author, supporters = world.policy, world.author, world.supporters

COMPARISON = f"/analytics/?period={PERIOD}"
DASHBOARD = f"/analytics/testgrad/?period={PERIOD}"
NETWORK = f"/analytics/testgrad/network/?period={PERIOD}"
NBSP = "\u00a0"


def ru(message: str) -> str:
    return text_in("ru", message)


def csv_rows(response: object) -> list[list[str]]:
    assert response.status_code == 200, response.content  # type: ignore[attr-defined]
    assert response["Content-Type"].startswith("text/csv")  # type: ignore[index]
    return list(csv.reader(io.StringIO(response.content.decode())))  # type: ignore[attr-defined]


def chart_data(html: str, slug: str) -> dict[str, object]:
    found = re.search(rf'<script id="chart-data-{slug}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no data for the chart {slug}"
    return json.loads(found.group(1))


# The comparison page ------------------------------------------------------------------------------


def test_the_comparison_lists_each_active_municipality_with_its_model_evidence_and_sparklines(
    client: Client,
    municipality: Municipality,
    other_municipality: Municipality,
    make_user: Callable[..., User],
) -> None:
    write_facts(municipality, make_user)
    closed = build_municipality("zakryt", "Закрытый", "Closedtown")
    Municipality.objects.filter(pk=closed.pk).update(is_active=False)

    response = client.get(COMPARISON)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<tr data-municipality="([\w-]+)"', html) == ["drugograd", "testgrad"]
    row = html[html.index('data-municipality="testgrad"') :]
    # Only reports and appeals: model 3, in Russian; the evidence counts the reports.
    assert 'data-model="3"' in row[:200]
    assert ru("Residents inform") in row
    assert f"{ru('Reports')}: 4" in row
    assert 'href="/analytics/testgrad/?period=2025-01..2025-12"' in row
    # Sparklines are drawn on the server: 12 points each, the March peak of 3 active people at the top.
    lines = re.findall(r'<polyline points="([^"]+)"', row)
    assert len(lines) >= 2
    active = [tuple(map(float, p.split(","))) for p in lines[0].split()]
    assert len(active) == 12
    assert min(active, key=lambda p: p[1]) == active[2]
    assert 'data-values="0,0,3,1,0,0,0,0,0,0,0,0"' in row
    assert f"{ru('Votes by month')}: 0, 0, 7, 3" in row
    assert "Closedtown" not in html and "Закрытый" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/analytics/", "/api/v1/analytics/classification"])
def test_the_comparison_and_the_classification_cost_the_same_queries_for_2_and_for_6_municipalities(
    client: Client, make_user: Callable[..., User], path: str
) -> None:
    add_towns(range(2), make_user)
    with_two = count_queries(client, path)
    add_towns(range(2, 6), make_user)

    with_six = count_queries(client, path)

    assert with_six == with_two
    assert with_six <= 20
    html = client.get(COMPARISON).content.decode()
    assert len(re.findall(r"<tr data-municipality=", html)) == 6
    assert len(client.get("/api/v1/analytics/classification", {"period": PERIOD}).json()) == 6


@pytest.mark.django_db
def test_a_bad_period_is_a_400_with_the_fields_message_on_every_page(
    client: Client, municipality: Municipality
) -> None:
    for path in ("/analytics/", "/analytics/testgrad/", "/analytics/testgrad/network/"):
        response = client.get(path, {"period": "2025-13"})
        assert response.status_code == 400, path
        assert ru("No such month.") in response.content.decode(), path
        # The form keeps what was typed, so that it can be put right.
        assert 'value="2025-13"' in response.content.decode()

        response = client.get(path, {"period": "x" * 5000})
        assert response.status_code == 400, path
    response = client.get("/analytics/testgrad/votes.csv", {"period": "2025-06..2025-01"})
    assert response.status_code == 400
    assert response.content.decode() == ru("The period ends before it starts.")


@pytest.mark.django_db
def test_an_unknown_or_closed_municipality_or_chart_is_not_found(
    client: Client, municipality: Municipality
) -> None:
    closed = build_municipality("zakryt", "Закрытый", "Closedtown")
    Municipality.objects.filter(pk=closed.pk).update(is_active=False)
    for path in (
        "/analytics/nowhere/",
        "/analytics/nowhere/network/",
        "/analytics/nowhere/votes.csv",
        "/analytics/zakryt/",
        "/analytics/zakryt/network/",
        "/analytics/testgrad/nothing.csv",
    ):
        assert client.get(path).status_code == 404, path


# The dashboard ------------------------------------------------------------------------------------


@pytest.mark.language("en")
def test_the_dashboard_in_english_has_every_chart_with_its_data_table_and_csv_link(
    client_for: Callable[..., Client], municipality: Municipality, make_user: Callable[..., User]
) -> None:
    write_facts(municipality, make_user)

    response = client_for(language="en").get(DASHBOARD)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Model 3: Residents inform" in html
    assert "UN E-Participation level" in html
    for slug in CHART_SLUGS:
        assert f'<canvas id="chart-{slug}" data-chart="chart-data-{slug}"' in html
        assert f'href="/analytics/testgrad/{slug}.csv?period=2025-01..2025-12"' in html
        assert f'data-chart-table="{slug}"' in html
    votes = chart_data(html, "votes")
    assert votes["type"] == "bar" and votes["stacked"] is True
    assert votes["labels"][:3] == ["Jan 2025", "Feb 2025", "Mar 2025"]
    datasets = {d["label"]: d["data"] for d in votes["datasets"]}  # type: ignore[union-attr,index]
    assert datasets["poll votes"][2] == 7
    assert datasets["initiative supports"][3] == 3
    answers = chart_data(html, "answers")
    assert [d["data"][2] for d in answers["datasets"]] == [2, 1]  # type: ignore[index,union-attr]
    assert chart_data(html, "answer-time")["datasets"][0]["data"][2] == 20.0  # type: ignore[index]
    # No decision was made: the index has no point in any month, and says so.
    assert chart_data(html, "power-transfer")["datasets"][0]["data"] == [None] * 12  # type: ignore[index]
    assert '<td data-label="In time" data-value="2">2</td>' in html
    assert 'href="/analytics/testgrad/network/?period=2025-01..2025-12"' in html
    assert 'src="/static/vendor/chartjs/chart.umd.js"' in html and 'src="/static/veche/analytics.js"' in html


def test_the_dashboard_in_russian_writes_people_s_numbers_localised_and_machines_plain(
    client: Client, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    write_facts(municipality, make_user)

    html = client.get(DASHBOARD).content.decode()

    assert ru("Active participants") in html and ru("Model %(number)s") % {"number": 3} in html
    # 1,234 reports in March: "1 234" in the table, 1234 in the data attribute and the chart's JSON.
    assert f'data-value="1234">1{NBSP}234</td>' in html
    contributions = chart_data(html, "contributions")
    assert contributions["datasets"][0]["data"][2] == 1234  # type: ignore[index]
    assert 'data-value="20">20,0</td>' in html  # the median answer time, in hours
    assert 'data-month="2025-03"' in html


def test_each_chart_s_csv_has_a_header_months_as_yyyy_mm_and_plain_numbers_in_russian(
    client: Client, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    write_facts(municipality, make_user)

    contributions = csv_rows(client.get("/analytics/testgrad/contributions.csv", {"period": PERIOD}))
    answer_time = csv_rows(client.get("/analytics/testgrad/answer-time.csv", {"period": PERIOD}))
    answers = csv_rows(client.get("/analytics/testgrad/answers.csv", {"period": "2025-03"}))
    share = csv_rows(client.get("/analytics/testgrad/power-transfer.csv", {"period": "2025-03"}))

    assert contributions[0][:3] == ["month", "report", "appeal"]
    assert [row[0] for row in contributions[1:]] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert contributions[3][:2] == ["2025-03", "1234"]
    assert answer_time[0] == ["month", "median_answer_hours"]
    assert answer_time[3] == ["2025-03", "20"] and answer_time[1] == ["2025-01", ""]
    assert answers == [["month", "answered_in_time", "answered_late"], ["2025-03", "2", "1"]]
    assert share == [["month", "power_transfer"], ["2025-03", ""]]
    response = client.get("/analytics/testgrad/votes.csv", {"period": PERIOD})
    assert 'filename="testgrad-votes-2025-01..2025-12.csv"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_the_dashboard_and_the_network_cost_the_same_queries_with_more_figures(
    client: Client, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    write_facts(municipality, make_user, people=2)
    dashboard, network = count_queries(client, DASHBOARD), count_queries(client, NETWORK)
    district = municipality.districts.get(slug="d2")
    more = network_key(municipality).rsplit("|", 2)[0] + f"|{district.pk}|0"
    MonthlyFact.objects.bulk_create(
        MonthlyFact(municipality=municipality, month=MARCH, metric=metric, key=key, value=5)
        for metric in ("reports_received", "reports_answered")
        for key in (more, "0|0|0")
    )
    write_facts(build_municipality("town9", "Город 9", "Town 9"), make_user, people=5)

    assert count_queries(client, DASHBOARD) == dashboard
    assert count_queries(client, NETWORK) == network
    assert dashboard <= 30 and network <= 30


# The network of interaction -----------------------------------------------------------------------


def test_the_network_shows_who_answers_whom_repeat_participants_and_the_flows(
    client: Client, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    write_facts(municipality, make_user)

    response = client.get(NETWORK)

    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index(f'<tr data-key="{network_key(municipality)}">') :]
    row = row[: row.index("</tr>")]
    assert "Дороги" in row and "Центральный" in row and "Яма" in row
    assert [int(v) for v in re.findall(r'data-value="(\d+)"', row)] == [4, 3, 2, 1]
    assert 'data-value="20.0">20,0</td>' in row
    assert 'data-repeat="1" data-participants="3"' in html
    # The reports' stream: bands as wide as the counts, the answered split into in time and disputed.
    assert 'data-stage="report" data-count="4"' in html
    assert 'data-from="answered" data-to="answered_in_time" data-count="2"' in html
    assert 'data-from="answered" data-to="disputed" data-count="1"' in html
    assert ru("From reports to answers") in html


def test_the_network_s_csvs_have_headers_ids_names_and_plain_numbers(
    client: Client, municipality: Municipality, make_user: Callable[..., User]
) -> None:
    write_facts(municipality, make_user)
    department = municipality.departments.get()
    department.name = "=HYPERLINK(1)"
    department.save()

    table = csv_rows(client.get("/analytics/testgrad/network.csv", {"period": PERIOD}))
    steps = csv_rows(client.get("/analytics/testgrad/flows.csv", {"period": PERIOD}))

    assert table[0][:2] == ["department_id", "department"]
    assert table[0][6:] == ["received", "answered", "answered_in_time", "median_answer_hours", "disputed"]
    assert table[1][1] == "'=HYPERLINK(1)"  # neutralised for spreadsheets
    assert table[1][6:] == ["4", "3", "2", "20", "1"]
    assert steps[0] == ["from", "to", "count"]
    assert ["report", "answered", "3"] in steps


# From real rows, counted by the roll-up ------------------------------------------------------------


def test_reports_counted_by_the_rollup_show_on_the_dashboard_comparison_and_network(
    client: Client,
    municipality: Municipality,
    make_user: Callable[..., User],
    routed: Callable[..., Report],
    resolved: Callable[..., Report],
) -> None:
    author = make_user("author", verified_in=municipality)
    answered = resolved(author)
    routed(author, description="Another street light is out")
    rollup_run()

    dashboard = client.get("/analytics/testgrad/").content.decode()
    comparison = client.get("/analytics/").content.decode()
    network = client.get("/analytics/testgrad/network/").content.decode()

    assert chart_data(dashboard, "contributions")["datasets"][0]["data"][-1] == 2  # type: ignore[index]
    assert chart_data(dashboard, "active")["datasets"][0]["data"][-1] == 1  # type: ignore[index]
    in_time, late = chart_data(dashboard, "answers")["datasets"]  # type: ignore[misc]
    assert (in_time["data"][-1], late["data"][-1]) == (1, 0)
    row = comparison[comparison.index('data-municipality="testgrad"') :]
    assert f"{ru('Reports')}: 2" in row
    key = f"{answered.category.department_id}|0|{answered.category_id}"
    if answered.district_id:
        key = f"{answered.category.department_id}|{answered.district_id}|{answered.category_id}"
    line = network[network.index(f'<tr data-key="{key}">') :]
    assert [int(v) for v in re.findall(r'data-value="(\d+)"', line[: line.index("</tr>")])][:3] == [2, 1, 1]
    assert 'data-stage="report" data-count="2"' in network
    assert 'data-repeat="1" data-participants="1"' in network


@pytest.mark.usefixtures("policy")
def test_an_adopted_initiative_shows_model_2_its_link_and_a_binding_month_of_power_transfer(
    client: Client, municipality: Municipality, author: User, supporters: list[User], official: User
) -> None:
    initiative = adopted_initiative(
        municipality=municipality, author=author, supporters=supporters, official=official
    )
    rollup_run()

    comparison = client.get("/analytics/").content.decode()
    dashboard = client.get("/analytics/testgrad/").content.decode()
    share = csv_rows(client.get("/analytics/testgrad/power-transfer.csv"))

    row = comparison[comparison.index('data-municipality="testgrad"') :]
    assert 'data-model="2" data-un-level="e-decision-making" data-power-transfer="1.0"' in row[:120]
    assert ru("Residents' choice is carried out") in row[: row.index("</tr>")]
    assert f'<a href="{initiative.get_absolute_url()}">{initiative.title}</a>' in row
    assert f"{ru('Adopted initiatives')}: 1" in dashboard
    assert chart_data(dashboard, "power-transfer")["datasets"][0]["data"][-1] == 1.0  # type: ignore[index]
    assert chart_data(dashboard, "initiatives")["datasets"][1]["data"][-1] == 1  # type: ignore[index]
    assert share[-1][1] == "1" and share[0] == ["month", "power_transfer"]


@pytest.mark.usefixtures("policy")
def test_veche_analytics_classify_agrees_with_the_comparison_page(
    client: Client,
    municipality: Municipality,
    other_municipality: Municipality,
    author: User,
    supporters: list[User],
    official: User,
) -> None:
    """The issue's "done when": the command and the page give each municipality the same model, UN
    level and power-transfer index (here model 2 for the adopted initiative, model 3 elsewhere)."""
    adopted_initiative(municipality=municipality, author=author, supporters=supporters, official=official)
    rollup_run()
    out = io.StringIO()

    call_command("analytics", "classify", "--format", "json", stdout=out)
    page = client.get("/analytics/").content.decode()

    printed = {row["municipality"]: row for row in json.loads(out.getvalue())}
    shown = {
        slug: (int(model), level, float(pti) if pti else None)
        for slug, model, level, pti in re.findall(
            r'<tr data-municipality="([\w-]+)" data-model="(\d)" data-un-level="([\w-]+)" '
            r'data-power-transfer="([\d.]*)"',
            page,
        )
    }
    assert shown == {
        slug: (row["model"], row["un_level"], row["power_transfer"]) for slug, row in printed.items()
    }
    assert shown["testgrad"][0] == 2 and shown["drugograd"][0] == 3


@pytest.mark.django_db
def test_the_period_field_offers_the_usual_periods_and_marks_the_one_shown(
    client: Client, municipality: Municipality
) -> None:
    year = local_day(municipality).year

    html = client.get("/analytics/testgrad/", {"period": f"{year}-01..{year}-12"}).content.decode()
    default = client.get("/analytics/testgrad/").content.decode()

    assert f'<a href="?period={year}" aria-current="true">{year}</a>' in html
    assert f'<a href="?period={year - 1}">{year - 1}</a>' in html
    assert f'<a href="?period=" aria-current="true">{ru("Last twelve months")}</a>' in default
