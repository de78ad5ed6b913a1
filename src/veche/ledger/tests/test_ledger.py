"""The hash chain: appends in order, tampering is found, receipts check (appends at the same moment:
tests/concurrency/test_ledger_appends.py)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from veche.ledger.models import LedgerEntry, LedgerHead
from veche.ledger.selectors import chain_break
from veche.ledger.services import ledger_append


def append(chain: str = "polls.poll:1", kind: str = "vote", **payload):
    with transaction.atomic():
        return ledger_append(chain=chain, kind=kind, payload=payload or {"options": [1]})


@pytest.mark.django_db
def test_entries_link_in_order_and_verify():
    receipts = [append(options=[i]) for i in range(5)]
    assert [r.seq for r in receipts] == [1, 2, 3, 4, 5]
    entries = list(LedgerEntry.objects.order_by("seq"))
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.entry_hash for a, b in zip(entries, entries[1:], strict=False))
    assert LedgerHead.objects.get().head_hash == receipts[-1].entry_hash
    assert chain_break("polls.poll:1") is None


@pytest.mark.django_db
def test_chains_are_independent():
    append(chain="polls.poll:1")
    second = append(chain="polls.poll:2")
    assert second.seq == 1


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        ledger_append(chain="x:1", kind="vote", payload={})
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_an_entry_cannot_be_changed_through_the_orm():
    append()
    entry = LedgerEntry.objects.get()
    entry.kind = "forged"
    with pytest.raises(TypeError):
        entry.save()


@pytest.mark.django_db
@pytest.mark.parametrize("column", ["payload_digest", "prev_hash", "kind"])
def test_verify_reports_the_first_tampered_entry(column):
    for i in range(4):
        append(options=[i])
    third = LedgerEntry.objects.get(seq=3)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE ledger_ledgerentry SET {column} = %s WHERE id = %s", ["f" * 8, third.pk])  # noqa: S608
    found = chain_break("polls.poll:1")
    assert found is not None and found.seq == 3
    with pytest.raises(CommandError, match="breaks at entry 3"):
        call_command("ledger", "verify")


@pytest.mark.django_db
def test_verify_notices_a_deleted_last_entry():
    for i in range(3):
        append(options=[i])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_ledgerentry WHERE seq = 3")
    assert chain_break("polls.poll:1") is not None


@pytest.mark.django_db
def test_verify_command_on_intact_chains(capsys):
    append(chain="a:1")
    append(chain="b:1")
    call_command("ledger", "verify")
    assert "ok: 2 chains intact" in capsys.readouterr().out


@pytest.mark.django_db
def test_receipt_page(client):
    receipt = append()
    found = client.get("/ledger/", {"receipt": receipt.entry_hash})
    assert found.status_code == 200
    # A chain no wing names (here, of a poll that does not exist) is still told in plain words.
    html = found.content.decode()
    assert "Запись в открытом реестре" in html and "polls.poll:1" not in html
    assert client.get("/ledger/", {"receipt": "0" * 64}).status_code == 404
    assert client.get("/ledger/", {"receipt": "<script>"}).status_code == 404
    heads = client.get("/ledger/heads.json").json()["heads"]
    assert heads == [
        {
            "chain": "polls.poll:1",
            "seq": 1,
            "head_hash": receipt.entry_hash,
            "updated_at": heads[0]["updated_at"],
        }
    ]
