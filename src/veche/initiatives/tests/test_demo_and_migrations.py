"""The demo's initiatives (every step, what resident1 finds in Moscow, loaded once) and the migrations."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from veche.access.predicates import Feature, allows
from veche.accounts.models import User
from veche.appeals import demo as appeals_demo
from veche.initiatives import demo
from veche.initiatives.models import Initiative, MilestonePhoto, Status
from veche.initiatives.phases import phase_of
from veche.ledger.selectors import all_chains, chain_break
from veche.municipalities import demo as municipalities_demo
from veche.municipalities.models import Municipality
from veche.polls.models import PollVote
from veche.polls.models import Status as PollStatus
from veche.polls.services import voting_phase


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_the_demo_shows_every_step_and_loads_once():
    # The cities and people it builds on (appeals verifies residents outside Moscow), then initiatives.
    municipalities_demo.load(StringIO())
    appeals_demo.load(StringIO())
    demo.load(StringIO())

    now = timezone.now()
    for municipality in Municipality.objects.exclude(slug__in=municipalities_demo.INFORMING_ONLY):
        statuses = set(Initiative.objects.filter(municipality=municipality).values_list("status", flat=True))
        assert statuses == {
            Status.PUBLISHED,
            Status.THRESHOLD_REACHED,
            Status.VOTING,
            Status.DECIDED,
            Status.ARCHIVED,
        }, municipality.slug
    assert not Initiative.objects.filter(municipality__slug__in=municipalities_demo.INFORMING_ONLY).exists()
    decided = Initiative.objects.filter(status=Status.DECIDED)
    assert all(i.milestones.filter(done_at__isnull=False).exists() for i in decided)
    assert all(i.milestones.filter(done_at__isnull=True).exists() for i in decided)
    assert MilestonePhoto.objects.exists()

    moscow = Municipality.objects.get(slug="moscow")
    resident1 = User.objects.get(username="resident1")
    collecting = Initiative.objects.get(municipality=moscow, status=Status.PUBLISHED)
    assert allows(resident1, moscow, Feature.SUPPORT, phase_of(collecting))
    assert not collecting.supports.filter(user=resident1).exists()
    voting = Initiative.objects.get(municipality=moscow, status=Status.VOTING)
    assert voting.poll.status_at(now) == PollStatus.OPEN and not voting.poll.districts.exists()
    assert allows(resident1, moscow, Feature.VOTE, voting_phase(voting.poll))
    assert not PollVote.objects.filter(poll=voting.poll, user=resident1).exists()
    assert all(chain_break(chain) is None for chain in all_chains())

    before = row_counts()
    out = StringIO()
    demo.load(out)
    assert row_counts() == before
    assert "initiatives already loaded" in out.getvalue()


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    call_command("makemigrations", "initiatives", "--check", "--dry-run", stdout=StringIO())
