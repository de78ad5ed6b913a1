"""The three models and the UN levels, decided from rows the apps' services write; classify_all in
a bounded number of queries; the command's output and its refusals."""

import io
import json
from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.analytics.classify import (
    E_CONSULTATION,
    E_DECISION_MAKING,
    E_INFORMATION,
    Classification,
    classify,
    classify_all,
    command,
)
from veche.analytics.models import MonthlyFact
from veche.analytics.periods import Period, add_months, month_of
from veche.analytics.selectors import totals
from veche.analytics.services import rollup_run
from veche.analytics.tests import test_decisions as world
from veche.analytics.tests.test_decisions import (
    adopted_initiative,
    closed_poll,
    counted_budget,
    crowd_project,
    rejected_initiative,
    this_year,
)
from veche.core.testing import build_municipality, text_in
from veche.crowdprojects.models import CrowdBallot, Milestone
from veche.municipalities.models import Membership, Municipality
from veche.municipalities.zones import local_day, zone_of
from veche.reports.models import Report

# The fixtures of the decisions' tests: an initiative policy of three supporters, its author, supporters.
policy, author, supporters = world.policy, world.author, world.supporters


def classified(municipality: Municipality, period: Period | None = None) -> Classification:
    return classify(municipality, period or this_year(municipality))


def test_a_municipality_where_residents_only_report_is_model_3_and_e_information(
    municipality, resident, routed: Callable[..., Report], resolved: Callable[..., Report]
):
    routed(resident)
    resolved(resident)
    rollup_run()
    period = this_year(municipality)

    result = classified(municipality, period)

    assert (result.model, result.un_level, result.power_transfer) == (3, E_INFORMATION, None)
    assert result.evidence["decisions"] == 0 and result.evidence["full_cycle_projects"] == []
    assert (result.evidence["reports"], result.evidence["reports_answered"]) == (2, 1)
    # The same numbers the selectors give the pages.
    counted = totals(municipality, period, ["reports_received", "reports_answered"])
    assert counted == {"reports_received": 2, "reports_answered": 1}
    assert result.name == "Тестоград"


def test_the_counts_of_reports_come_from_the_roll_ups_of_the_period(municipality):
    period = this_year(municipality)
    month = month_of(local_day(municipality))
    MonthlyFact.objects.create(
        municipality=municipality, month=month, metric="reports_received", key="1|0|1", value=3
    )
    MonthlyFact.objects.create(
        municipality=municipality, month=month, metric="reports_received", key="1|2|1", value=2
    )
    MonthlyFact.objects.create(
        municipality=municipality, month=month, metric="appeals_answered", key="1|0|0", value=1
    )
    MonthlyFact.objects.create(
        municipality=municipality, month=period.end, metric="reports_received", key="1|0|1", value=50
    )

    result = classified(municipality, period)

    assert (result.evidence["reports"], result.evidence["appeals_answered"]) == (5, 1)
    # Answering residents' appeals is consulting them.
    assert (result.model, result.un_level) == (3, E_CONSULTATION)


def test_an_adopted_initiative_makes_model_2_and_e_decision_making(
    policy, municipality, author, supporters, official, client_for
):
    initiative = adopted_initiative(
        municipality=municipality, author=author, supporters=supporters, official=official
    )

    result = classified(municipality)

    assert (result.model, result.un_level) == (2, E_DECISION_MAKING)
    assert result.evidence["binding_decisions"] == 1
    [adopted] = result.evidence["adopted_initiatives"]
    assert (adopted["id"], adopted["link"]) == (initiative.pk, initiative.get_absolute_url())
    assert client_for(None).get(adopted["link"]).status_code == 200
    assert result.power_transfer == 1.0


def test_a_rejected_initiative_alone_is_a_consultation_not_model_2(
    policy, municipality, author, supporters, official
):
    rejected_initiative(municipality=municipality, author=author, supporters=supporters, official=official)

    result = classified(municipality)

    assert (result.model, result.un_level, result.power_transfer) == (3, E_CONSULTATION, 0.0)


def test_a_closed_poll_makes_model_2_at_e_consultation(municipality, municipal_admin, supporters):
    closed_poll(
        municipality=municipality,
        actor=municipal_admin,
        voters=supporters[:2],
        closes_at=timezone.now() - timedelta(hours=2),
    )

    result = classified(municipality)

    assert (result.model, result.un_level, result.power_transfer) == (2, E_CONSULTATION, 0.0)
    assert len(result.evidence["closed_polls"]) == 1


def test_a_counted_budget_makes_model_2(make_process, supporters, official, municipal_admin, municipality):
    counted_budget(make_process, voters=supporters[:3], official=official, municipal_admin=municipal_admin)

    result = classified(municipality)

    assert (result.model, result.un_level) == (2, E_DECISION_MAKING)
    assert (result.evidence["money"], result.evidence["money_by_residents"]) == (10_000, 8000)


def test_a_full_cycle_crowd_project_makes_model_1(municipality, municipal_admin, author, voter, client_for):
    project, _ideas = crowd_project(
        actor=municipal_admin, municipality=municipality, author=author, voter=voter
    )

    result = classified(municipality)

    assert (result.model, result.un_level) == (1, E_DECISION_MAKING)
    [cycle] = result.evidence["full_cycle_projects"]
    assert (cycle["id"], cycle["link"]) == (project.pk, project.get_absolute_url())
    assert client_for(None).get(cycle["link"]).status_code == 200
    assert cycle["stages"] == ["ideas", "discussion", "assessment", "voting", "selection", "implementation"]
    assert (cycle["ideas"], cycle["ballots"], cycle["selected"]) == (4, 1, 1)


@pytest.mark.parametrize("missing", ["vote", "tracking", "weighing"])
def test_a_crowd_project_missing_one_step_is_not_model_1(
    municipality, municipal_admin, author, voter, missing
):
    """Without residents' vote, without a milestone after the selection, or without a discussion,
    assessment or deliberation stage."""
    crowd_project(
        actor=municipal_admin,
        municipality=municipality,
        author=author,
        voter=None if missing == "vote" else voter,
        track=missing != "tracking",
        weigh=missing != "weighing",
    )

    result = classified(municipality)

    assert result.evidence["full_cycle_projects"] == []
    assert len(result.evidence["crowd_selections"]) == 1
    # Residents still chose by their vote when only the tracking or the weighing is missing: model 2.
    assert result.model == (3 if missing == "vote" else 2)


def test_the_cycle_counts_in_the_period_of_its_first_tracking(municipality, municipal_admin, author, voter):
    """A selection in one month and its first milestone in the next: model 1 in the second month only."""
    project, ideas = crowd_project(
        actor=municipal_admin, municipality=municipality, author=author, voter=voter
    )
    this_month = month_of(local_day(municipality))
    next_month = Period(add_months(this_month, 1), add_months(this_month, 2))
    # The milestone was planned an hour into the next month, by the municipality's clock.
    Milestone.objects.filter(idea=ideas[0]).update(
        created_at=datetime.combine(next_month.start, time(1), tzinfo=zone_of(municipality))
    )

    assert classified(municipality, next_month).model == 1
    # The selection by residents' vote alone, in the first month: model 2.
    assert classified(municipality, Period(this_month, add_months(this_month, 1))).model == 2
    assert CrowdBallot.objects.filter(project=project).count() == 1


def test_classify_all_reads_every_active_municipality_in_the_same_number_of_queries(
    policy, municipality, author, supporters, official, municipal_admin, voter, make_user
):
    adopted_initiative(municipality=municipality, author=author, supporters=supporters, official=official)
    crowd_project(actor=municipal_admin, municipality=municipality, author=author, voter=voter)
    period = this_year(municipality)
    with CaptureQueriesContext(connection) as one:
        assert [c.municipality for c in classify_all(period)] == [municipality.slug]

    for i in range(4):
        other = build_municipality(slug=f"grad{i}", name=f"Град {i}", name_en=f"Grad {i}")
        admin = make_user(f"admin{i}", role=Membership.Role.ADMIN, municipality=other)
        closed_poll(
            municipality=other,
            actor=admin,
            voters=[make_user(f"voter{i}", verified_in=other)],
            closes_at=timezone.now() - timedelta(hours=1),
        )
    closed = build_municipality(slug="zz-closed", name="Закрытый", name_en="Closed")
    Municipality.objects.filter(pk=closed.pk).update(is_active=False)
    with CaptureQueriesContext(connection) as five:
        rows = classify_all(period)

    assert [c.municipality for c in rows] == ["grad0", "grad1", "grad2", "grad3", municipality.slug]
    assert len(five.captured_queries) == len(one.captured_queries) <= 15


@pytest.mark.language("en")
def test_the_commands_json_is_classify_all_and_its_names_are_in_english(
    policy, municipality, author, supporters, official
):
    adopted_initiative(municipality=municipality, author=author, supporters=supporters, official=official)
    out = io.StringIO()
    label = this_year(municipality).label

    assert command({"period": label, "municipality": None, "format": "json"}, out, io.StringIO()) == 0

    printed = json.loads(out.getvalue())
    assert printed == [c.as_json() for c in classify_all(this_year(municipality))]
    assert [(row["municipality"], row["name"], row["model"]) for row in printed] == [
        (municipality.slug, "Testgrad", 2)
    ]
    assert set(printed[0]) >= {"municipality", "name", "model", "evidence"}


def test_the_command_for_one_municipality_as_a_table(
    policy, municipality, other_municipality, author, supporters, official
):
    adopted_initiative(municipality=municipality, author=author, supporters=supporters, official=official)
    out = io.StringIO()

    assert (
        command({"period": None, "municipality": municipality.slug, "format": "table"}, out, io.StringIO())
        == 0
    )

    lines = out.getvalue().splitlines()
    # A table is for people: the level's name in the reader's language (Russian here).
    assert len(lines) == 2 and lines[1].split()[:2] == [municipality.slug, "2"]
    assert text_in("ru", "E-decision-making") in lines[1] and E_DECISION_MAKING not in lines[1]
    assert other_municipality.slug not in out.getvalue()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"period": "2025-13", "municipality": None, "format": "json"}, "2025-13"),
        ({"period": "прошлый год", "municipality": None, "format": "json"}, "YYYY-MM"),
        ({"period": "2025-06..2025-01", "municipality": None, "format": "json"}, "заканчивается раньше"),
        ({"period": "2025", "municipality": "atlantis", "format": "json"}, "atlantis"),
        ({"period": "2025", "municipality": None, "format": "xml"}, "json"),
    ],
)
def test_a_bad_period_an_unknown_municipality_or_format_exit_2_with_a_message(municipality, options, message):
    out, err = io.StringIO(), io.StringIO()

    assert command(options, out, err) == 2

    assert out.getvalue() == "" and message in err.getvalue()


@pytest.mark.language("en")
def test_veche_analytics_classify_prints_classify_all_as_json(
    policy, municipality, author, supporters, official
):
    adopted_initiative(municipality=municipality, author=author, supporters=supporters, official=official)
    period = this_year(municipality)
    out = io.StringIO()

    call_command("analytics", "classify", "--period", period.label, "--format", "json", stdout=out)

    assert json.loads(out.getvalue()) == [c.as_json() for c in classify_all(period)]


def test_veche_analytics_classify_of_an_unknown_municipality_exits_2(municipality, capsys):
    with pytest.raises(SystemExit) as caught:
        call_command("analytics", "classify", "--municipality", "atlantis", stdout=io.StringIO())

    assert caught.value.code == 2
    assert "atlantis" in capsys.readouterr().err
