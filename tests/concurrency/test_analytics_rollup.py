"""Two roll-ups at once, on the real database: the watermark rows are locked, so every row is counted
once, as by a single run."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from veche.accounts.models import User
from veche.analytics import services
from veche.analytics.models import MonthlyFact, MonthlyParticipant
from veche.analytics.services import rollup_check, rollup_run
from veche.comments.services import comment_create
from veche.core.testing import race, unexpected
from veche.municipalities.models import Municipality

pytestmark = pytest.mark.usefixtures("transactional_db")

PEOPLE, EACH = 5, 9


def test_two_rollups_at_once_count_every_row_once(
    municipality: Municipality, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small chunks: the two runs take turns over many transactions.
    monkeypatch.setattr(services, "CHUNK", 4)
    for p in range(PEOPLE):
        person = make_user(f"person{p}")
        for i in range(EACH):
            comment_create(
                author=person, municipality=municipality, target=municipality, body=f"Мысль {p}-{i}"
            )

    results, errors = race([rollup_run, rollup_run])

    assert not unexpected(errors), unexpected(errors)
    assert sum(stats.rows["comments"] for stats in results) == PEOPLE * EACH
    assert MonthlyFact.objects.get(metric="contributions", key="comment").value == PEOPLE * EACH
    assert sorted(MonthlyParticipant.objects.values_list("actions", flat=True)) == [EACH] * PEOPLE
    assert rollup_check() == []
    assert rollup_run().total == 0
