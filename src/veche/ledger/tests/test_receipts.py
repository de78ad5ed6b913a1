"""Receipts in plain words: what was counted, when (the municipality's clock), the code in groups and a
check that says found and unchanged, or not found; never an internal chain label, never who voted."""

import pytest
from django.utils import timezone

from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.tests.helpers import approve, city_budget, options
from veche.ledger.models import LedgerEntry
from veche.ledger.templatetags.receipts import receipt_groups
from veche.polls.tests.helpers import option_ids

TITLE = "Where should the new playground go?"


@pytest.fixture
def far_east(municipality):
    """A municipality ten hours ahead of the server's clock, so its local time is told apart."""
    municipality.timezone = "Asia/Vladivostok"
    municipality.save(update_fields=["timezone"])
    return municipality


def local_time(entry: LedgerEntry, zone: str) -> str:
    from zoneinfo import ZoneInfo

    return timezone.localtime(entry.created_at, ZoneInfo(zone)).strftime("%H:%M")


@pytest.mark.parametrize(
    ("language", "counted", "found"),
    [
        (
            "ru",
            f"Ваш голос в опросе «{TITLE}»",
            "Найдено: эта квитанция есть в открытом реестре, и реестр не изменён.",
        ),
        (
            "en",
            f"Your vote in the poll “{TITLE}”",
            "Found: this receipt is in the public record, and the record has",
        ),
    ],
)
def test_a_poll_vote_receipt_says_what_when_and_how_to_check_it(
    language, counted, found, client_for, voter, make_poll, far_east
):
    poll = make_poll(TITLE)
    client = client_for(voter, language=language)

    response = client.post(f"/m/testgrad/polls/{poll.pk}/vote/", {"options": str(option_ids(poll)[0])})

    assert response.status_code == 200
    entry = LedgerEntry.objects.get()
    html = response.content.decode()
    assert counted in html
    assert receipt_groups(entry.entry_hash) in html and f"/ledger/?receipt={entry.entry_hash}" in html
    assert local_time(entry, "Asia/Vladivostok") in html
    assert "polls.poll:" not in html and "<details" in html

    # Anyone may check it: someone the voter gave the code to, signed out, pasting it in its groups.
    check = client_for(language=language).get("/ledger/", {"receipt": receipt_groups(entry.entry_hash)})
    page = check.content.decode()
    assert check.status_code == 200 and found in page
    assert ("Голос в опросе" if language == "ru" else "A vote in the poll") in page
    assert local_time(entry, "Asia/Vladivostok") in page
    assert "polls.poll:" not in page
    # Whoever holds the receipt learns what was counted, never who cast it.
    assert voter.username not in page and voter.public_name not in page


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ru", "Не найдено: в открытом реестре нет записи с таким кодом квитанции."),
        ("en", "Not found: no entry in the public record has this receipt code."),
    ],
)
def test_an_unknown_receipt_is_not_found_in_plain_words(language, said, client_for, db):
    check = client_for(language=language).get("/ledger/", {"receipt": "ab" * 32})

    assert check.status_code == 404 and said in check.content.decode()


def test_a_changed_record_is_reported_as_changed(client_for, voter, make_poll):
    poll = make_poll(TITLE)
    client = client_for(voter)
    client.post(f"/m/testgrad/polls/{poll.pk}/vote/", {"options": str(option_ids(poll)[0])})
    entry = LedgerEntry.objects.get()
    LedgerEntry.objects.filter(pk=entry.pk).update(payload_digest="f" * 64)

    page = client.get("/ledger/", {"receipt": entry.entry_hash}).content.decode()

    assert "реестр не проходит проверку" in page and "Найдено" not in page


def test_a_ballot_receipt_names_the_budget(client_for, voter, make_process):
    budget = city_budget(make_process())
    receipt = ballot_cast(user=voter, budget=budget, choices=approve(options(budget)[0]))

    page = client_for().get("/ledger/", {"receipt": receipt.entry_hash}).content.decode()

    assert f"Бюллетень: «{budget}»" in page and "budgeting.budget:" not in page


def test_the_entry_is_published_as_json_for_checking_it_independently(client, voter, make_poll):
    from veche.ledger.chain import entry_hash

    poll = make_poll(TITLE)
    from veche.polls.services import poll_vote

    receipt = poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])

    data = client.get(f"/ledger/entries/{receipt.entry_hash}.json").json()

    assert data["entry_hash"] == receipt.entry_hash
    recomputed = entry_hash(
        **{k: data[k] for k in ("chain", "seq", "kind", "payload_digest", "prev_hash", "created_at")}
    )
    assert recomputed == receipt.entry_hash
    assert client.get(f"/ledger/entries/{'0' * 64}.json").status_code == 404
