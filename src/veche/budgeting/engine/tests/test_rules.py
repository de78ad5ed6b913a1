"""The counting rules on hand-checked and real elections, and the explanation of every project."""

import pytest

from veche.budgeting.engine import RULES, RuleError, compute, parse_pb, rules
from veche.budgeting.engine.tests.helpers import VALID, replace_line


def test_wieliczka_add1_with_cost_utilities_gives_the_official_winners(wieliczka) -> None:
    result = compute(wieliczka, "mes-add1", utilities="cost")
    official = {p.project_id for p in wieliczka.projects.values() if p.selected}
    assert len(official) == 30
    assert set(result.winners) == official
    assert result.total_cost == 995_079
    # One unit at a time from 1,000,000 / 6,586 = 151.84 zł; the last share that fits is 315.84 zł.
    assert result.add1_steps == 164
    assert int(result.share) == 315
    assert result.share == pytest.approx((1_000_000 + 164 * 6586) / 6586, abs=1e-9)


def test_wieliczka_plain_mes_underspends_and_add1_fills_it(wieliczka) -> None:
    plain = compute(wieliczka, "mes", utilities="cost")
    completed = compute(wieliczka, "mes-add1", utilities="cost")
    assert plain.total_cost < completed.total_cost <= wieliczka.budget
    assert len(plain.winners) < len(completed.winners)


@pytest.mark.parametrize("rule", RULES)
def test_every_project_is_explained(wieliczka, rule: str) -> None:
    result = compute(wieliczka, rule, utilities="cost")
    assert [p.project_id for p in result.projects] == list(wieliczka.projects)
    assert {p.project_id for p in result.projects if p.funded} == set(result.winners)
    for outcome in result.projects:
        assert outcome.reason.startswith("funded" if outcome.funded else "not funded")
    assert result.total_cost == sum(wieliczka.projects[p].cost for p in result.winners)
    assert result.total_cost <= wieliczka.budget
    assert result.tie_breaking == "lexicographic"


def test_mes_says_what_the_supporters_of_a_losing_project_could_still_pay(wieliczka) -> None:
    result = compute(wieliczka, "mes-add1", utilities="cost")
    losers = [p for p in result.projects if not p.funded and p.supporters]
    assert losers
    for outcome in losers:
        assert outcome.supporters_pay is not None
        assert "could still pay" in outcome.reason
    funded = result.explanation(result.winners[0])
    assert funded.round == 1 and funded.supporters_pay == pytest.approx(float(funded.cost))


def test_greedy_takes_projects_by_votes_and_skips_what_does_not_fit() -> None:
    election = parse_pb(VALID)
    result = compute(election, "greedy")
    assert result.winners == ("1", "2")
    trees = result.explanation("3")
    assert not trees.funded and "did not fit in the 0 left" in trees.reason


def test_greedy_skips_an_expensive_project_and_takes_a_cheaper_one() -> None:
    election = parse_pb(replace_line(VALID, 18, "3;300;1;Trees;0"))
    election.meta["budget"] = "900"
    result = compute(election, "greedy")
    assert result.winners == ("1", "3")
    assert "did not fit in the 300 left" in result.explanation("2").reason


def test_ties_are_broken_as_asked_and_stated() -> None:
    # One vote each; 600 of budget fits project 1 (600) alone, or project 2 (400) but then not 3 (500.50).
    lines = VALID.split("\n")
    lines[20:24] = ["1;1", "2;2", "3;3", "4;"]
    election = parse_pb("\n".join(lines))
    election.meta["budget"] = "600"
    by_id = compute(election, "greedy", tie_breaking="lexicographic")
    assert by_id.winners[0] == "1" and by_id.tie_breaking == "lexicographic"
    assert compute(election, "greedy", tie_breaking="cost").winners[0] == "2"
    assert compute(election, "greedy", tie_breaking="-cost").winners[0] == "1"


def test_lexicographic_order_compares_ids_as_text() -> None:
    lines = VALID.split("\n")
    lines[17] = "10;400;1;Trees;0"
    lines[22] = "3;10"
    lines[23] = "4;10,2"
    election = parse_pb("\n".join(lines))
    election.meta["budget"] = "400"
    # "10" and "2" tie on two votes each; as text "10" < "2", as in pabutools.
    assert compute(election, "greedy").winners == ("10",)


def test_mes_with_cardinal_and_cost_utilities_can_differ(wieliczka) -> None:
    cost = compute(wieliczka, "mes", utilities="cost")
    cardinal = compute(wieliczka, "mes", utilities="cardinal")
    assert cost.utilities == "cost" and cardinal.utilities == "cardinal"
    assert set(cost.winners) != set(cardinal.winners)


def test_comparison_step_reports_the_vote_between_outcomes(wieliczka) -> None:
    result = compute(wieliczka, "mes-add1-comparison", utilities="cost")
    assert result.comparison is not None
    assert result.comparison.kept == "mes"
    assert result.comparison.mes_supporters >= result.comparison.greedy_supporters
    assert result.notes and "MES kept" in result.notes[0]


def test_phragmen_stops_at_the_first_project_that_does_not_fit() -> None:
    election = parse_pb(VALID)
    result = compute(election, "phragmen")
    assert result.winners == ("1", "2")
    assert "rule stopped" in result.explanation("3").reason


def test_no_voters_funds_nothing_with_mes() -> None:
    election = parse_pb(VALID)
    election.voters.clear()
    assert compute(election, "mes").winners == ()
    assert compute(election, "mes-add1").winners == ()


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"rule": "borda"}, "unknown rule"),
        ({"rule": "mes", "utilities": "happiness"}, "unknown utilities"),
        ({"rule": "greedy", "tie_breaking": "random"}, "unknown tie-breaking"),
    ],
)
def test_unknown_options_are_refused(kwargs: dict[str, str], words: str) -> None:
    election = parse_pb(VALID)
    with pytest.raises(RuleError, match=words):
        compute(election, **kwargs)


def test_result_serialises_to_plain_json_types(wieliczka) -> None:
    data = compute(wieliczka, "mes-add1").as_dict()
    assert len(data["winners"]) == 30
    assert data["rule"] == "mes-add1" and data["utilities"] == "cost"
    assert data["total_cost"] == "995079" and data["unspent"] == "4921"
    assert len(data["projects"]) == 64


def test_add1_with_merged_ballots_settles_on_the_same_step(
    wieliczka, monkeypatch: pytest.MonkeyPatch
) -> None:
    voter_by_voter = compute(wieliczka, "mes-add1", utilities="cost")
    monkeypatch.setattr(rules, "GROUPED_ABOVE", 1000)
    merged = compute(wieliczka, "mes-add1", utilities="cost")
    assert merged.winners == voter_by_voter.winners
    assert (merged.add1_steps, merged.share) == (voter_by_voter.add1_steps, voter_by_voter.share)


def test_merging_identical_ballots_keeps_every_voter(wieliczka) -> None:
    ballots = rules.compile_election(wieliczka)
    merged = ballots.grouped()
    assert merged.n_groups < ballots.n_groups == merged.n_voters == 6586
    assert int(merged.mult.sum()) == 6586
    assert (merged.approvals == ballots.approvals).all()
