"""The generator of conversations with planted opinion groups: its shape, its determinism, its groups."""

from pathlib import Path

import numpy as np
import pytest

from veche.deliberation.engine.polis import read_polis, write_polis
from veche.deliberation.engine.synthetic import as_conversation, planted_conversation


@pytest.mark.parametrize(
    ("participants", "statements", "per_participant", "groups"),
    [(500, 200, 30, 3), (300, 40, 35, 2), (50, 10, 20, 5), (1, 1, 1, 1)],
)
def test_shape(participants: int, statements: int, per_participant: int, groups: int) -> None:
    votes, truth = planted_conversation(participants, statements, per_participant, groups, seed=3)
    assert votes.participants.tolist() == list(range(participants))  # everyone votes at least once
    assert votes.statements.tolist() == list(range(statements))
    assert sorted(truth) == list(range(participants))
    assert set(truth.values()) <= set(range(groups))
    assert set(np.unique(votes.values).tolist()) <= {1, -1, 0}
    per_row = np.bincount(votes.rows, minlength=participants)
    assert per_row.min() >= 1
    assert per_row.max() <= statements
    expected = min(per_participant, statements)
    assert 0.6 * expected <= len(votes) / participants <= 1.2 * expected


def test_the_same_seed_gives_the_same_conversation() -> None:
    first, truth = planted_conversation(400, 100, 25, 4, seed=11)
    second, again = planted_conversation(400, 100, 25, 4, seed=11)
    other, _ = planted_conversation(400, 100, 25, 4, seed=12)
    assert truth == again
    for name in ("participants", "statements", "rows", "cols", "values"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert not (len(first) == len(other) and np.array_equal(first.values, other.values))


def test_every_group_is_present_and_passes_happen() -> None:
    votes, truth = planted_conversation(2000, 300, 40, 4, seed=5)
    sizes = np.bincount(list(truth.values()), minlength=4)
    assert sizes.min() > 2000 / 4 / 3
    share_pass = float(np.mean(votes.values == 0))
    assert 0.05 < share_pass < 0.25


def test_groups_differ_and_agree_where_planted() -> None:
    # Members of a group vote alike more often than members of different groups.
    votes, truth = planted_conversation(3000, 60, 60, 3, seed=2)
    dense = np.full(votes.shape, np.nan)
    dense[votes.rows, votes.cols] = votes.values
    group = np.array([truth[int(p)] for p in votes.participants])
    means = np.array([np.nanmean(dense[group == g], axis=0) for g in range(3)])
    spread = np.abs(means[:, None, :] - means[None, :, :]).max(axis=2)
    assert spread[np.triu_indices(3, 1)].min() > 0.8  # each pair of groups splits on some statement


def test_written_as_polis_and_read_back(tmp_path: Path) -> None:
    votes, _ = planted_conversation(120, 25, 10, 2, seed=1)
    conversation = as_conversation(votes)
    assert len(conversation.votes) == len(votes)
    write_polis(tmp_path, conversation)
    again = read_polis(tmp_path).matrix()
    for name in ("participants", "statements", "rows", "cols", "values"):
        assert np.array_equal(getattr(again, name), getattr(votes, name))
