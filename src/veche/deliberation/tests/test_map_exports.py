"""The Polis CSV exports: they read back with the engine's reader and hold exactly the shown statements
and the latest votes, texts neutralised against formulas, people only as numbers, the map's groups in
participants-votes.csv; sent in pieces; only for a deliberation the caller may see."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from veche.deliberation import exports, selectors
from veche.deliberation.engine.polis import read_polis
from veche.deliberation.models import Participant, Statement, Vote
from veche.deliberation.services import (
    deliberation_create,
    map_recompute,
    statement_add,
    statement_moderate,
    vote_cast,
)
from veche.deliberation.tests.helpers import open_deliberation
from veche.deliberation.tests.map_helpers import planted

pytestmark = pytest.mark.django_db

FILES = ("comments", "votes", "participants-votes")


def _url(deliberation, name):
    return reverse("deliberation:export", args=[deliberation.municipality.slug, deliberation.pk, name])


def _download(client, deliberation, name):
    response = client.get(_url(deliberation, name))
    assert response.status_code == 200, name
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="deliberation-{deliberation.pk}-{name}.csv"'
    )
    return b"".join(response.streaming_content).decode()


@pytest.fixture
def deliberation(municipal_admin, municipality, resident, moderator):
    """Planted votes and a map, then: a resident's statement (accepted) that starts like a formula, a
    pending one, a hidden one with a vote, and a vote changed after the map."""
    made = open_deliberation(municipal_admin, municipality)
    planted(made, participants=60, statements=12, groups=2, seed=4)
    map_recompute(deliberation=made)
    formula = statement_add(author=resident, deliberation=made, text="=СУММ(A1) скамейки")
    statement_moderate(moderator=municipal_admin, statement=formula, accept=True)
    statement_add(author=resident, deliberation=made, text="Ждёт модерации")
    hidden = Statement.objects.get(deliberation=made, number=3)
    Statement.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    vote_cast(user=resident, deliberation=made, statement=formula, value=1)
    vote_cast(user=resident, deliberation=made, statement=formula, value=-1)
    made.refresh_from_db()
    return made


def test_the_three_files_read_back_as_the_shown_statements_and_latest_votes(
    client_for, deliberation, resident, tmp_path
):
    client = client_for()
    for name in FILES:
        (tmp_path / f"{name}.csv").write_text(_download(client, deliberation, name), encoding="utf-8")

    conversation = read_polis(tmp_path)

    shown = Statement.objects.filter(deliberation=deliberation, status="accepted", hidden_at__isnull=True)
    assert {(c.id, c.text) for c in conversation.comments} == set(shown.values_list("number", "text"))
    assert all(c.moderated == 1 for c in conversation.comments)
    latest = {
        (p, s, v)
        for p, s, v in Vote.objects.filter(statement__in=shown).values_list(
            "participant__number", "statement__number", "value"
        )
    }
    assert {(row.voter, row.comment, row.vote) for row in conversation.votes} == latest
    assert len(conversation.votes) == len(latest)  # one row a vote: the latest only
    me = Participant.objects.get(deliberation=deliberation, user=resident).number
    formula = next(c for c in conversation.comments if c.text.startswith("=СУММ"))
    assert formula.author == me and (me, formula.id, -1) in latest
    assert formula.disagrees == 1 and formula.agrees == 0
    seeds = [c for c in conversation.comments if c.id != formula.id]
    assert all(c.author == -1 for c in seeds)


def test_texts_are_neutralised_and_no_personal_data_leaves(client_for, deliberation, resident):
    comments = _download(client_for(), deliberation, "comments")
    everything = comments + "".join(_download(client_for(), deliberation, n) for n in FILES[1:])

    assert ",'=СУММ(A1) скамейки" in comments
    assert "Ждёт модерации" not in comments
    for private in (
        resident.username,
        resident.email,
        "Парк должен закрываться на ночь",
    ):  # statement 3 is hidden
        assert private not in everything


def test_participants_votes_carries_the_maps_group_of_each_participant(client_for, deliberation):
    text = _download(client_for(), deliberation, "participants-votes")
    rows = list(csv.DictReader(io.StringIO(text)))
    groups = deliberation.map.result["groups"]

    assert len(rows) == Participant.objects.filter(deliberation=deliberation).count()
    for row in rows:
        assert row["group-id"] == str(groups.get(row["participant"], ""))
    assert sum(1 for row in rows if row["group-id"] != "") == len(groups)
    header = text.split("\n", 1)[0].split(",")
    shown = Statement.objects.filter(deliberation=deliberation, status="accepted", hidden_at__isnull=True)
    assert header[6:] == [str(n) for n in sorted(shown.values_list("number", flat=True))]
    assert sum(int(row["n-votes"]) for row in rows) == Vote.objects.filter(statement__in=shown).count()


def test_a_big_export_is_sent_in_pieces(client_for, deliberation, monkeypatch):
    monkeypatch.setattr(exports, "BATCH", 5)
    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 50)
    for name in FILES[1:]:
        response = client_for().get(_url(deliberation, name))
        pieces = list(response.streaming_content)
        whole = b"".join(pieces)
        assert len(pieces) > 1, name
        assert max(len(p) for p in pieces) < len(whole) / 2, name
        assert whole.count(whole.split(b"\n", 1)[0] + b"\n") == 1, name  # one header


@pytest.mark.language("en")
def test_an_empty_deliberation_exports_the_headers(client_for, municipal_admin, municipality):
    empty = open_deliberation(municipal_admin, municipality)

    assert _download(client_for(), empty, "comments").startswith("timestamp,datetime,comment-id,author-id")
    assert _download(client_for(), empty, "votes") == "timestamp,datetime,comment-id,voter-id,vote\n"
    assert _download(client_for(), empty, "participants-votes").startswith("participant,group-id")


def test_unknown_names_deliberations_and_drafts_are_not_found(
    client_for, deliberation, municipal_admin, municipality, resident, other_municipality
):
    draft = deliberation_create(actor=municipal_admin, municipality=municipality, title="Черновик")
    slug = deliberation.municipality.slug

    assert client_for().get(_url(deliberation, "secrets")).status_code == 404
    assert client_for().get(reverse("deliberation:export", args=[slug, 999999, "votes"])).status_code == 404
    assert (
        client_for().get(
            reverse("deliberation:export", args=[other_municipality.slug, deliberation.pk, "votes"])
        )
    ).status_code == 404
    for name in FILES:
        assert client_for(resident).get(_url(draft, name)).status_code == 404
        assert client_for().get(_url(draft, name)).status_code == 404
    assert client_for(municipal_admin).get(_url(draft, "votes")).status_code == 200
