"""The demo's polls (what resident1 finds in Moscow, loaded once) and models that match migrations."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from veche.access.predicates import Feature, allows
from veche.accounts.models import User
from veche.appeals import demo as appeals_demo
from veche.ledger.selectors import all_chains, chain_break
from veche.municipalities import demo as municipalities_demo
from veche.municipalities.models import Municipality
from veche.polls import demo
from veche.polls.models import Kind, Poll, PollVote, Status
from veche.polls.services import district_refusal, voting_phase


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_the_demo_gives_resident1_open_polls_to_vote_in_and_loads_once():
    # The cities and people this demo builds on (appeals verifies residents elsewhere), then polls.
    municipalities_demo.load(StringIO())
    appeals_demo.load(StringIO())
    demo.load(StringIO())

    now = timezone.now()
    moscow = Municipality.objects.get(slug="moscow")
    resident1 = User.objects.get(username="resident1")
    polls = list(Poll.objects.filter(municipality=moscow).prefetch_related("districts"))
    by_status = {s: [p for p in polls if p.status_at(now) == s] for s in Status}
    votable = [
        p
        for p in by_status[Status.OPEN]
        if allows(resident1, moscow, Feature.VOTE, voting_phase(p))
        and not district_refusal(p, resident1.verifications.get().district)
        and not PollVote.objects.filter(poll=p, user=resident1).exists()
    ]
    assert {Kind.SINGLE, Kind.MULTIPLE, Kind.RANKED} <= {p.kind for p in votable}
    assert any(p.districts.exists() for p in polls)
    assert by_status[Status.SCHEDULED] and by_status[Status.DRAFT]
    closed = by_status[Status.CLOSED]
    assert closed and all(p.votes_count == p.votes.count() > 0 for p in closed)
    for municipality in Municipality.objects.exclude(
        slug__in=["moscow", *municipalities_demo.INFORMING_ONLY]
    ):
        statuses = {p.status_at(now) for p in Poll.objects.filter(municipality=municipality)}
        assert statuses == {Status.OPEN, Status.SCHEDULED, Status.CLOSED}, municipality.slug
        assert PollVote.objects.filter(poll__municipality=municipality).exists()
    assert not Poll.objects.filter(municipality__slug__in=municipalities_demo.INFORMING_ONLY).exists()
    assert all(chain_break(chain) is None for chain in all_chains())

    before = row_counts()
    out = StringIO()
    demo.load(out)
    assert row_counts() == before
    assert "polls already loaded" in out.getvalue()


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    call_command("makemigrations", "polls", "--check", "--dry-run", stdout=StringIO())
