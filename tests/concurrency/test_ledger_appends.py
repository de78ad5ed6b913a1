"""Appends to one hash chain at the same moment, each in its own thread and database connection."""

from functools import partial

import pytest
from django.db import transaction

from veche.core.testing import race
from veche.ledger.models import LedgerEntry
from veche.ledger.selectors import chain_break
from veche.ledger.services import Receipt, ledger_append


def append(**payload: object) -> Receipt:
    with transaction.atomic():
        return ledger_append(chain="polls.poll:1", kind="vote", payload=payload)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_appends_get_distinct_sequence_numbers():
    _results, errors = race([partial(append, options=[i]) for i in range(8)])
    assert errors == []
    assert sorted(LedgerEntry.objects.values_list("seq", flat=True)) == list(range(1, 9))
    assert chain_break("polls.poll:1") is None
