"""The demo's deliberations: the Moscow strategy chapter's, open today with about three hundred
participants (most without accounts) in several opinion groups and residents' statements to moderate;
a real Polis conversation imported whole, counted here from its CSV; and loading it again adds nothing.
Only the demos it needs (municipalities, crowd projects) are loaded before it."""

import csv
from io import StringIO

import pytest
from django.apps import apps
from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects import demo as crowdprojects_demo
from veche.deliberation import demo
from veche.deliberation.access import can_deliberate
from veche.deliberation.models import Deliberation, Participant, Statement, StatementStatus, Vote
from veche.municipalities import demo as municipalities_demo


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_the_demo_maps_the_moscow_strategy_and_a_real_conversation_and_loads_once():
    municipalities_demo.load(StringIO())
    crowdprojects_demo.load(StringIO())
    out = StringIO()
    demo.load(out)
    assert out.getvalue().count("map k=") == 2
    check_the_strategy_chapter_is_mapped_and_open_today()
    check_the_real_conversation_is_imported_whole()

    before = row_counts()
    again = StringIO()
    demo.load(again)
    assert row_counts() == before
    assert "already loaded" in again.getvalue()


def check_the_strategy_chapter_is_mapped_and_open_today():
    now = timezone.now()
    deliberation = Deliberation.objects.select_related("map", "project").get(
        project__title=demo.STRATEGY, municipality__slug="moscow"
    )
    assert deliberation.published_at is not None
    participants = Participant.objects.filter(deliberation=deliberation)
    assert participants.count() >= 250
    assert participants.filter(user__isnull=True).count() >= 250
    online = set(participants.filter(user__isnull=False).values_list("user__username", flat=True))
    assert online == set(demo.ONLINE)
    resident1 = User.objects.get(username="resident1")
    assert can_deliberate(resident1, deliberation, now)
    assert not participants.filter(user=resident1).exists()

    statements = Statement.objects.filter(deliberation=deliberation)
    assert (
        statements.filter(is_seed=True, status=StatementStatus.ACCEPTED).count() == len(demo.LEANINGS) >= 25
    )
    pending = statements.filter(status=StatementStatus.PENDING)
    assert pending.count() == len(demo.PENDING) and not pending.filter(author__isnull=True).exists()
    assert not Vote.objects.filter(deliberation=deliberation, statement__in=pending).exists()

    found = deliberation.map
    assert found.k >= 2
    assert found.n_participants >= 250
    assert found.vote_serial == deliberation.vote_serial
    assert found.n_votes == Vote.objects.filter(deliberation=deliberation).count()
    assert min(found.result["group_sizes"]) >= 30
    assert found.result["repness"] and found.result["consensus"]


def check_the_real_conversation_is_imported_whole():
    folder = demo.SEATTLE
    with (folder / "comments.csv").open(encoding="utf-8") as f:
        comments = {int(row["comment-id"]): int(row["author-id"]) for row in csv.DictReader(f)}
    with (folder / "votes.csv").open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda row: int(row["timestamp"]))
    latest = {(int(r["voter-id"]), int(r["comment-id"])): int(r["vote"]) for r in rows}
    people = {voter for voter, _ in latest} | set(comments.values())

    deliberation = Deliberation.objects.select_related("map").get(title=demo.SEATTLE_TITLE)
    assert deliberation.project is None and deliberation.municipality.slug == "moscow"
    assert deliberation.published_at is not None and deliberation.closes_at is None
    assert deliberation.opens_at <= timezone.now()
    assert "CC BY 4.0" in deliberation.description
    assert Statement.objects.filter(deliberation=deliberation).count() == len(comments)
    assert (
        set(Participant.objects.filter(deliberation=deliberation).values_list("number", flat=True)) == people
    )
    assert Vote.objects.filter(deliberation=deliberation).count() == len(latest)
    assert deliberation.map.k >= 2
    assert (folder / "ATTRIBUTION.md").read_text(encoding="utf-8").count("CC BY 4.0") == 1
