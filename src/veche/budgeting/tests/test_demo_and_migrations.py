"""The demo's budgeting (what resident1 finds in Moscow, a counted city; loaded once) and models that
match their migrations."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from veche.access.predicates import Feature, allows
from veche.access.roles import verified_district
from veche.accounts.models import User
from veche.appeals import demo as appeals_demo
from veche.budgeting import demo, phases
from veche.budgeting.models import Ballot, Process, ProcessPhase, ProposalStatus, Tally
from veche.budgeting.selectors import budget_results, district_refusal
from veche.ledger.selectors import all_chains, chain_break
from veche.municipalities import demo as municipalities_demo
from veche.municipalities.models import Municipality


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_the_demo_leaves_resident1_a_ballot_to_cast_and_a_counted_city_and_loads_once():
    municipalities_demo.load(StringIO())
    appeals_demo.load(StringIO())
    demo.load(StringIO())

    moscow = Municipality.objects.get(slug="moscow")
    resident1 = User.objects.get(username="resident1")
    voting = Process.objects.get(municipality=moscow, phase=ProcessPhase.VOTING)
    budgets = list(voting.budgets.select_related("district").order_by("id"))
    assert [b.district.slug if b.district else None for b in budgets] == [None, "d1"]
    city = budgets[0]
    assert city.proposals.filter(status=ProposalStatus.FEASIBLE).count() == 12
    assert city.proposals.filter(status=ProposalStatus.INFEASIBLE).exclude(review_reasons="").count() == 2
    assert Ballot.objects.filter(budget=city).count() >= 5
    assert not Ballot.objects.filter(user=resident1).exists()
    assert allows(resident1, moscow, Feature.VOTE, phases.step_of(voting))
    district = verified_district(user=resident1, municipality=moscow)
    assert all(district_refusal(b, district) == "" for b in budgets)
    assert Process.objects.filter(municipality=moscow, phase=ProcessPhase.PROPOSALS).exists()
    # Every process announces its timetable: the one voting now says when voting closes.
    assert voting.voting_closes_at is not None and voting.voting_closes_at > timezone.now()
    assert not Process.objects.filter(proposals_opens_at=None).exists()

    counted = Process.objects.exclude(municipality=moscow).get()
    assert counted.phase == ProcessPhase.RESULTS
    count = Tally.objects.get(process=counted)
    results = budget_results(budget=count.budget)
    assert count.rule == "mes-add1" and count.voters == Ballot.objects.filter(process=counted).count() >= 6
    assert results.funded and count.total_cost <= count.budget.amount
    assert all(chain_break(chain) is None for chain in all_chains())

    before = row_counts()
    out = StringIO()
    demo.load(out)
    assert row_counts() == before and "budgeting already loaded" in out.getvalue()


@pytest.mark.django_db
def test_the_models_and_migrations_agree():
    call_command("makemigrations", "budgeting", "--check", "--dry-run", stdout=StringIO())
