"""`veche demo` as `make run` loads it, whole: ten municipalities with people and activity, in which
the analytics find model 1 (a crowd project through the whole cycle) in exactly Moscow, Yekaterinburg
and Kazan over the last 24 months and over the pages' default period (the last 12), model 2 in the
four cities whose residents' choices were carried out and model 3 in the three whose residents only
report and appeal; two years of history; roll-ups that agree with a recount; nothing added the second
time. One test, because loading the whole demo is its cost (minutes on PostgreSQL); each app's own
demo test loads the part it checks."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from veche.accounts.models import User, Verification
from veche.analytics import demo
from veche.analytics.classify import classify_all
from veche.analytics.models import MonthlyFact
from veche.analytics.periods import Period, add_months, month_of, parse_period
from veche.analytics.services import rollup_check
from veche.appeals.models import Appeal
from veche.initiatives.models import Initiative, Status
from veche.municipalities.models import Municipality
from veche.polls.models import Poll
from veche.recognition.demo import SHOWN
from veche.recognition.models import PointEntry
from veche.recognition.selectors import board_rows
from veche.reports.models import Report


def row_counts():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def last_24_months() -> Period:
    end = add_months(month_of(timezone.localdate()), 1)
    return Period(start=add_months(end, -24), end=end)


@pytest.mark.django_db
def test_the_whole_demo_loads_once_and_shows_each_model():
    out = StringIO()
    call_command("demo", stdout=out)
    said = out.getvalue()

    assert Municipality.objects.count() == 10
    moscow = Municipality.objects.get(slug="moscow")
    resident1 = User.objects.get(username="resident1")
    assert Verification.objects.filter(user=resident1, municipality=moscow).exists()
    assert authenticate(username="resident1", password="demo-password") == resident1
    assert moscow.categories.exists() and moscow.districts.exists() and moscow.comments.exists()
    # Every demo report names its district, so that the network of interaction has districts to show.
    assert not Report.objects.filter(district=None).exists()
    assert Report.objects.filter(municipality=moscow).values("district").distinct().count() > 1

    assert said.count("(model 1)") == 3 and said.count("(model 2)") == 4 and said.count("(model 3)") == 3
    assert "analytics roll-up" in said
    for period in (last_24_months(), parse_period("", today=timezone.localdate())):
        models = {c.municipality: c.model for c in classify_all(period)}
        assert len(models) == 10
        assert {slug for slug, model in models.items() if model == 1} == set(demo.MODEL_1), period
        assert all(models[slug] == 2 for slug in demo.MODEL_2), period
        assert all(models[slug] == 3 for slug in demo.MODEL_3), period
    # The model-3 cities get reports and appeals only: no demo makes them a poll or an initiative.
    assert not Poll.objects.filter(municipality__slug__in=demo.MODEL_3).exists()
    assert not Initiative.objects.filter(municipality__slug__in=demo.MODEL_3).exists()
    check_two_years_of_history()
    assert rollup_check() == []
    # Recognition: the demo's activity went through the services, which awarded its points, and a few
    # residents of each active city chose to appear on its public board.
    assert PointEntry.objects.filter(municipality=moscow, points__gt=0).exists()
    assert len(board_rows(moscow)) == SHOWN

    before = row_counts()
    again = StringIO()
    call_command("demo", stdout=again)
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
        # The roll-ups hold the history month by month.
        for metric in ("appeals_received", "reports_received"):
            facts = MonthlyFact.objects.filter(
                municipality__slug=slug, metric=metric, month__gte=period.start, month__lt=period.end
            )
            assert facts.values("month").distinct().count() >= 20, (slug, metric)
    for slug in (*demo.MODEL_1, *demo.MODEL_2):
        implemented = Initiative.objects.filter(municipality__slug=slug, status=Status.IMPLEMENTED)
        assert implemented.count() >= 2, slug
        closed = Poll.objects.filter(
            municipality__slug=slug, closes_at__lt=now, votes_count__gt=0, origin_type__isnull=True
        )
        assert closed.count() >= 7, slug
