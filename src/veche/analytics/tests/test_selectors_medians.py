"""The network's median answer times are worked out in the database: the same as `median_of`."""

import random
from collections import defaultdict
from datetime import date

import pytest

from veche.analytics import selectors
from veche.analytics.models import MonthlyFact
from veche.analytics.periods import Period
from veche.municipalities.models import Municipality

pytestmark = pytest.mark.django_db

MONTHS = [date(2026, m, 1) for m in range(1, 7)]


def test_medians_by_key_equal_the_median_of_each_key_histogram(municipality: Municipality) -> None:
    rng = random.Random(14)
    rows = []
    for k in range(12):
        key = f"{k}|0|0"
        for month in MONTHS:
            for bucket in rng.sample(range(0, 400), rng.randint(0, 6)):
                rows.append((key, month, bucket, rng.randint(1, 4)))
    # Odd and even totals, a single value, two values in neighbouring buckets, and a bucket of zero.
    rows += [("a|0|0", MONTHS[0], 7, 1), ("b|0|0", MONTHS[1], 3, 1), ("b|0|0", MONTHS[2], 8, 1)]
    rows += [("c|0|0", MONTHS[0], 5, 0), ("c|0|0", MONTHS[0], 6, 2), ("c|0|0", MONTHS[1], 9, 2)]
    MonthlyFact.objects.bulk_create(
        MonthlyFact(municipality=municipality, month=m, metric="answer_hours", key=k, bucket=b, value=v)
        for k, m, b, v in rows
    )
    # Another metric and a month out of the period are left out.
    MonthlyFact.objects.create(
        municipality=municipality, month=MONTHS[0], metric="x", key="a|0|0", bucket=1, value=5
    )
    MonthlyFact.objects.create(
        municipality=municipality,
        month=date(2025, 12, 1),
        metric="answer_hours",
        key="a|0|0",
        bucket=1,
        value=5,
    )
    for period in (Period(MONTHS[0], date(2026, 7, 1)), Period(MONTHS[1], MONTHS[3])):
        histograms: dict[str, dict[int, int]] = defaultdict(dict)
        for key, month, bucket, value in rows:
            if period.start <= month < period.end:
                histograms[key][bucket] = histograms[key].get(bucket, 0) + value
        expected = {key: selectors.median_of(h) for key, h in histograms.items() if sum(h.values())}

        assert selectors.medians_by_key(municipality, period, "answer_hours") == expected
    assert selectors.medians_by_key(municipality, Period(MONTHS[0], MONTHS[1]), "answer_hours")["a|0|0"] == 7
    assert (
        selectors.medians_by_key(municipality, Period(MONTHS[1], MONTHS[3]), "answer_hours")["b|0|0"] == 5.5
    )
    assert (
        selectors.medians_by_key(municipality, Period(MONTHS[0], MONTHS[2]), "answer_hours")["c|0|0"] == 7.5
    )
