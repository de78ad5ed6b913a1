"""cluster(): Polis's groups on planted conversations, determinism, warm starts, the k smoother,
small inputs, the state's JSON and place()."""

import json

import numpy as np
import pytest

from veche.deliberation.engine import State, Votes, cluster, pipeline, place
from veche.deliberation.engine import kmeans as km
from veche.deliberation.engine.tests.helpers import adjusted_rand, planted


@pytest.fixture(scope="module")
def two_sides():
    return planted(300, 40, 20, 2, seed=11)


def ari(result, truth):
    ids = sorted(result.groups)
    return adjusted_rand([truth[p] for p in ids], [result.groups[p] for p in ids])


def test_planted_groups_are_found(two_sides):
    votes, truth = two_sides
    result = cluster(votes)

    assert result.k == 2
    assert result.reason is None
    assert ari(result, truth) > 0.9
    assert sorted(result.group_sizes, reverse=True) == sorted(
        np.bincount(list(result.groups.values())).tolist(), reverse=True
    )
    assert set(result.points) == set(result.groups)
    assert result.n_votes == len(votes)


def test_the_same_input_and_seed_give_the_same_result(two_sides):
    votes, _ = two_sides
    first, second = cluster(votes, seed=4), cluster(votes, seed=4)

    assert first.to_json() == second.to_json()
    assert first.state.to_json() == second.state.to_json()


def test_kmeans_is_deterministic_and_drops_empty_clusters():
    rng = np.random.default_rng(0)
    points = np.r_[rng.normal(0, 0.1, (50, 2)), rng.normal(5, 0.1, (50, 2))]
    # Three starting centres, one far from everything: it loses its points and is dropped.
    init = np.array([[0.0, 0.0], [5.0, 5.0], [100.0, 100.0]])

    centres, labels, origin = km.kmeans(points, init)
    again = km.kmeans(points, init)

    assert len(centres) == 2
    assert origin.tolist() == [0, 1]
    assert np.array_equal(centres, again[0]) and np.array_equal(labels, again[1])
    assert set(labels[:50].tolist()) == {0} and set(labels[50:].tolist()) == {1}


def test_silhouette_of_two_tight_far_clusters_is_near_one_and_a_singleton_scores_zero():
    points = np.array([[0.0, 0.0], [0.0, 0.1], [10.0, 0.0], [10.0, 0.1], [50.0, 50.0]])
    two = km.silhouette(points[:4], np.array([0, 0, 1, 1]))
    assert two > 0.98
    with_singleton = km.silhouette(points, np.array([0, 0, 1, 1, 2]))
    # The singleton's 0 is averaged in.
    assert with_singleton < two


def test_a_warm_start_on_unchanged_votes_gives_the_same_groups(two_sides):
    votes, _ = two_sides
    cold = cluster(votes)
    warm = cluster(votes, previous=cold.state)

    assert warm.k == cold.k
    assert adjusted_rand(
        [cold.groups[p] for p in sorted(cold.groups)], [warm.groups[p] for p in sorted(cold.groups)]
    ) == pytest.approx(1.0)


def test_a_warm_start_follows_newcomers():
    everyone, truth = planted(340, 40, 20, 2, seed=12)
    # The first run sees the first 300 participants; the update sees 40 more.
    early = everyone.rows < 300
    first = cluster(
        Votes.from_arrays(
            everyone.participants[everyone.rows[early]],
            everyone.statements[everyone.cols[early]],
            everyone.values[early],
            statements=everyone.statements,
        )
    )
    updated = cluster(everyone, previous=first.state)

    assert len(first.groups) == 300 and len(updated.groups) == 340
    assert updated.k == 2
    assert ari(updated, truth) > 0.9


def test_the_k_smoother_changes_k_only_after_it_wins_four_runs_in_a_row():
    shown = None
    state = None
    history = []
    for this_k in [2, 2, 3, 3, 3, 2, 3, 3, 3, 3, 3]:
        last_k, count, smoothed = pipeline._smooth(state, this_k)
        state = State(last_k=last_k, last_k_count=count, smoothed_k=smoothed)
        shown = smoothed
        history.append(shown)
    # The first run shows its own k; 3 wins three times (not enough), 2 interrupts, then 3 wins
    # four times in a row and is shown from the fourth.
    assert history == [2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3]


def test_the_k_smoother_is_carried_by_the_state(two_sides):
    votes, _ = two_sides
    first = cluster(votes)
    assert (first.state.last_k, first.state.last_k_count, first.state.smoothed_k) == (2, 1, 2)
    second = cluster(votes, previous=State.from_json(json.loads(json.dumps(first.state.to_json()))))
    assert (second.state.last_k, second.state.last_k_count) == (2, 2)


@pytest.mark.parametrize(
    ("participants", "statements", "reason"),
    [
        (0, 0, "too-few-statements"),
        (1, 10, "too-few-participants"),
        (5, 10, "too-few-participants"),
        (50, 1, "too-few-statements"),
    ],
)
def test_small_input_gives_no_groups_and_a_reason(participants, statements, reason):
    rng = np.random.default_rng(1)
    who = np.repeat(np.arange(participants), statements)
    what = np.tile(np.arange(statements), participants)
    votes = Votes.from_arrays(who, what, rng.choice([-1, 0, 1], size=len(who)))

    result = cluster(votes)

    assert result.k == 0
    assert result.reason == reason
    assert result.groups == {}
    assert result.to_json()["reason"] == reason
    json.dumps(result.to_json())


def test_everyone_voting_alike_gives_no_groups_and_a_reason():
    who = np.repeat(np.arange(30), 10)
    what = np.tile(np.arange(10), 30)
    result = cluster(Votes.from_arrays(who, what, np.ones(len(who), dtype=int)))

    assert result.k == 0
    assert result.reason == "no-differences"


def test_state_goes_to_json_and_back(two_sides):
    votes, _ = two_sides
    state = cluster(votes).state

    text = json.dumps(state.to_json())
    back = State.from_json(json.loads(text))

    assert back == state
    assert back.to_json() == state.to_json()


def test_result_json_has_the_cli_keys(two_sides):
    votes, _ = two_sides
    data = json.loads(json.dumps(cluster(votes).to_json()))

    assert set(data) == {
        "k",
        "groups",
        "repness",
        "consensus",
        "group_informed_consensus",
        "group_sizes",
        "n_participants",
        "n_votes",
        "reason",
    }
    assert all(isinstance(g, int) for g in data["groups"].values())
    rep = data["repness"]["0"][0]
    assert set(rep) == {
        "statement",
        "direction",
        "n_agree",
        "n_disagree",
        "n_seen",
        "p",
        "p_out",
        "ratio",
        "score",
    }


def test_place_puts_one_who_votes_like_a_group_into_that_group(two_sides):
    votes, truth = two_sides
    result = cluster(votes)
    # A newcomer who votes exactly as group A's members mostly do.
    members = [p for p, g in result.groups.items() if g == 0]
    rows = np.isin(votes.participants[votes.rows], members)
    mean = np.zeros(len(votes.statements))
    np.add.at(mean, votes.cols[rows], votes.values[rows])
    answers = {int(s): int(np.sign(m)) for s, m in zip(votes.statements, mean, strict=True) if m != 0}

    x, y, group = place(result.state, answers)

    assert group == 0
    other = {s: -v for s, v in answers.items()}
    assert place(result.state, other)[2] == 1
    assert place(result.state, {10_000: 1}) == (0.0, 0.0, None)
    assert place(State(), answers) == (0.0, 0.0, None)
