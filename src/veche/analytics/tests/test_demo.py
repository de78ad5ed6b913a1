"""The analytics demo: two years of history on top of the other demos, in which the classifier finds
model 1 (a crowd project through the whole cycle) in exactly Moscow, Yekaterinburg and Kazan over the
last 24 months and over the pages' default period (the last 12), model 2 in the four cities whose
residents' choices were carried out and model 3 in the three whose residents only report and appeal;
the roll-ups agree with a recount, and loading it again adds nothing.

Only the demos that make decisions or that it builds on run before it (not the reports or the
deliberation demo: they make none, and they are most of `veche demo`'s time; core's test runs it whole).
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management.base import OutputWrapper
from django.utils import timezone

from veche.analytics import demo
from veche.analytics.classify import classify_all
from veche.analytics.models import MonthlyFact
from veche.analytics.periods import Period, add_months, month_of, parse_period
from veche.analytics.services import rollup_check
from veche.appeals import demo as appeals_demo
from veche.appeals.models import Appeal
from veche.budgeting import demo as budgeting_demo
from veche.crowdprojects import demo as crowdprojects_demo
from veche.initiatives import demo as initiatives_demo
from veche.initiatives.models import Initiative, Status
from veche.municipalities import demo as municipalities_demo
from veche.polls import demo as polls_demo
from veche.polls.models import Poll

BEFORE = [municipalities_demo, appeals_demo, polls_demo, initiatives_demo, budgeting_demo, crowdprojects_demo]


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def last_24_months() -> Period:
    end = add_months(month_of(timezone.localdate()), 1)
    return Period(start=add_months(end, -24), end=end)


def counts(model, slugs):
    return {slug: model.objects.filter(municipality__slug=slug).count() for slug in slugs}


@pytest.mark.django_db
def test_the_demo_reproduces_three_of_ten_in_model_1_and_loads_once():
    for module in BEFORE:
        module.load(StringIO())
    informing = (counts(Poll, demo.MODEL_3), counts(Initiative, demo.MODEL_3))
    out = StringIO()
    demo.load(OutputWrapper(out))
    said = out.getvalue()
    assert said.count("(model 1)") == 3 and said.count("(model 2)") == 4 and said.count("(model 3)") == 3
    assert "analytics roll-up" in said

    for period in (last_24_months(), parse_period("", today=timezone.localdate())):
        models = {c.municipality: c.model for c in classify_all(period)}
        assert len(models) == 10
        assert {slug for slug, model in models.items() if model == 1} == set(demo.MODEL_1), period
        assert all(models[slug] == 2 for slug in demo.MODEL_2), period
        assert all(models[slug] == 3 for slug in demo.MODEL_3), period
    # The model-3 cities get reports and appeals only from this demo: no polls, no initiatives.
    assert (counts(Poll, demo.MODEL_3), counts(Initiative, demo.MODEL_3)) == informing

    check_two_years_of_history()
    assert rollup_check() == []

    before = row_counts()
    again = StringIO()
    demo.load(OutputWrapper(again))
    assert row_counts() == before
    assert "already loaded" in again.getvalue()


def check_two_years_of_history():
    now = timezone.now()
    period = last_24_months()
    for slug in demo.MODELS:
        appeals = Appeal.objects.filter(municipality__slug=slug, created_at__gte=now - timedelta(days=730))
        months = {month_of(timezone.localdate(a.created_at)) for a in appeals}
        assert len(months) >= 20, slug
        answered = appeals.filter(answered_at__isnull=False)
        late = [a for a in answered if timezone.localdate(a.answered_at) > a.answer_due]
        assert answered.count() >= 15 and late, slug
        # The roll-ups hold the history month by month (the reports demo, not loaded here, adds reports).
        facts = MonthlyFact.objects.filter(
            municipality__slug=slug, metric="appeals_received", month__gte=period.start, month__lt=period.end
        )
        assert facts.values("month").distinct().count() >= 20, slug
    for slug in (*demo.MODEL_1, *demo.MODEL_2):
        implemented = Initiative.objects.filter(municipality__slug=slug, status=Status.IMPLEMENTED)
        assert implemented.count() >= 2, slug
        closed = Poll.objects.filter(
            municipality__slug=slug, closes_at__lt=now, votes_count__gt=0, origin_type__isnull=True
        )
        assert closed.count() >= 7, slug
