"""What the analytics pages, API and command read: sums over the roll-ups, never the raw
participation tables (those are read only by `services.rollup_run` and `rollup_check`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from veche.analytics.models import MonthlyFact, MonthlyParticipant, PeriodFigure
from veche.analytics.periods import Period
from veche.municipalities.models import Category, Department, District, Municipality

# The kinds of contributions and votes the sources write (their `key`), in the order pages list them.
CONTRIBUTION_KINDS = (
    "report",
    "appeal",
    "initiative",
    "idea",
    "proposal",
    "statement",
    "comment",
    "amendment",
    "monitoring",
)
VOTE_KINDS = (
    "poll",
    "budget",
    "crowd",
    "deliberation",
    "rating",
    "result_rating",
    "support",
    "signature",
    "me_too",
    "idea_support",
    "amendment_support",
    "pledge",
)
# A fact the roll-up keeps at the end of each run: the people's rows of a municipality's month.
ACTIVE_PEOPLE = "active_people"
# The figures kept per offered period (`PeriodFigure.metric`).
REPEAT_PARTICIPANTS = "repeat_participants"
PARTICIPANTS = "all_participants"
PERIOD_METRICS = (REPEAT_PARTICIPANTS, PARTICIPANTS)
NETWORK_METRICS = ("reports_received", "reports_answered", "reports_answered_in_time", "reports_disputed")


def _facts(municipality: Municipality, period: Period) -> QuerySet[MonthlyFact]:
    return MonthlyFact.objects.filter(
        municipality=municipality, month__gte=period.start, month__lt=period.end
    ).order_by()


def totals(municipality: Municipality, period: Period, metrics: Sequence[str]) -> dict[str, int]:
    """Each metric summed over the period (0 for a metric with no facts)."""
    rows = (
        _facts(municipality, period)
        .filter(metric__in=list(metrics))
        .values_list("metric")
        .annotate(total=Sum("value"))
    )
    found = dict(rows)
    return {metric: int(found.get(metric) or 0) for metric in metrics}


def by_key(municipality: Municipality, period: Period, metric: str) -> dict[str, int]:
    """The metric summed over the period, per key (only keys with facts)."""
    rows = _facts(municipality, period).filter(metric=metric).values_list("key").annotate(total=Sum("value"))
    return {key: int(total) for key, total in rows.order_by("key")}


def _series(period: Period, pairs: Iterable[tuple[date, int]]) -> list[int]:
    index = {month: i for i, month in enumerate(period.months)}
    out = [0] * len(index)
    for month, value in pairs:
        if month in index:
            out[index[month]] += int(value or 0)
    return out


def monthly(municipality: Municipality, period: Period, metric: str, key: str | None = None) -> list[int]:
    """The metric per month of the period; `key` None sums every key."""
    rows = _facts(municipality, period).filter(metric=metric)
    if key is not None:
        rows = rows.filter(key=key)
    return _series(period, rows.values_list("month").annotate(total=Sum("value")))


def median_of(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}; None when there are none."""
    n = sum(histogram.values())
    if not n:
        return None
    wanted = [(n - 1) // 2, n // 2]  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        while wanted and wanted[0] < seen + count:
            found.append(value)
            wanted.pop(0)
        seen += count
    return (found[0] + found[1]) / 2


def median_answer_hours(
    municipality: Municipality, period: Period, key_prefix: str | None = None
) -> float | None:
    """The median whole hours from a report's submission to its first answer, for the reports first
    answered in the period (`key_prefix`: only keys starting so, e.g. "12|" for one department)."""
    rows = _facts(municipality, period).filter(metric="answer_hours")
    if key_prefix:
        rows = rows.filter(key__startswith=key_prefix)
    return median_of(dict(rows.values_list("bucket").annotate(total=Sum("value"))))


def active_participants(municipality: Municipality, period: Period) -> list[int]:
    """People who voted, supported or contributed at least once, per month of the period (the
    `active_people` facts the roll-up keeps: the number of people's rows of each month)."""
    return monthly(municipality, period, ACTIVE_PEOPLE)


def count_repeat_participants(municipality_id: int, period: Period) -> tuple[int, int]:
    """(people with more than one action in the period, people with at least one), summed from the
    people's monthly rows in one query."""
    people = (
        MonthlyParticipant.objects.filter(
            municipality_id=municipality_id, month__gte=period.start, month__lt=period.end
        )
        .order_by()
        .values("user_id")
        .annotate(actions=Sum("actions"))
    )
    found = people.aggregate(repeat=Count("user_id", filter=Q(actions__gt=1)), total=Count("user_id"))
    return int(found["repeat"] or 0), int(found["total"] or 0)


def repeat_participants(municipality: Municipality, period: Period) -> tuple[int, int]:
    """(people with more than one action in the period, people with at least one): the figures the
    roll-up keeps for the periods the pages offer, counted from the people's rows for any other."""
    stored = dict(
        PeriodFigure.objects.filter(
            municipality=municipality, start=period.start, end=period.end, metric__in=PERIOD_METRICS
        ).values_list("metric", "value")
    )
    if len(stored) == len(PERIOD_METRICS):
        return int(stored[REPEAT_PARTICIPANTS]), int(stored[PARTICIPANTS])
    return count_repeat_participants(municipality.pk, period)


@dataclass(frozen=True)
class NetworkRow:
    """Who answers whom: one department, district and category (ids 0 and names "" for none)."""

    department_id: int
    district_id: int
    category_id: int
    department: str
    district: str
    category: str
    received: int
    answered: int
    in_time: int
    median_hours: float | None
    disputed: int

    @property
    def key(self) -> str:
        return f"{self.department_id}|{self.district_id}|{self.category_id}"


def _ids(key: str) -> tuple[int, int, int]:
    try:
        department, district, category = (int(part) for part in key.split("|"))
    except ValueError:
        return 0, 0, 0
    return department, district, category


# The buckets holding the middle values of each key's histogram over a period (at most two per key):
# the period's sum per key and bucket, its running sum in bucket order and its total per key, kept
# where the bucket covers position (total - 1) // 2 or total // 2 (0-based), in integers only. A
# large city has some 50,000 (key, bucket) sums a year; the database sends a few hundred rows.
_MIDDLE_BUCKETS = """
SELECT {key}, bucket, cum - n, n, total FROM (
    SELECT {key}, bucket, n,
        SUM(n) OVER (PARTITION BY {key} ORDER BY bucket) AS cum,
        SUM(n) OVER (PARTITION BY {key}) AS total
    FROM (
        SELECT {key}, bucket, SUM(value) AS n FROM {table}
        WHERE municipality_id = %s AND metric = %s AND month >= %s AND month < %s
        GROUP BY {key}, bucket HAVING SUM(value) > 0
    ) sums
) running
WHERE 2 * (cum - n) <= total AND 2 * cum > total - 1
"""


def medians_by_key(municipality: Municipality, period: Period, metric: str) -> dict[str, float]:
    """The median bucket of the metric's histogram over the period, per key (keys without any
    value left out): what `median_of` gives for each key's histogram, worked out in the database."""
    sql = _MIDDLE_BUCKETS.format(
        key=connection.ops.quote_name("key"), table=connection.ops.quote_name(MonthlyFact._meta.db_table)
    )
    params: list[Any] = [
        municipality.pk,
        metric,
        connection.ops.adapt_datefield_value(period.start),
        connection.ops.adapt_datefield_value(period.end),
    ]
    middle: dict[str, list[int]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted(
            (key, int(bucket), int(before), int(n), int(total))
            for key, bucket, before, n, total in cursor.fetchall()
        )
    for key, bucket, before, n, total in rows:
        for position in ((total - 1) // 2, total // 2):
            if before <= position < before + n:
                middle[key].append(bucket)
    return {key: (found[0] + found[-1]) / 2 for key, found in middle.items()}


def network(municipality: Municipality, period: Period) -> list[NetworkRow]:
    """Reports per (department, district, category) over the period, busiest first; names in the
    active language, in at most five queries whatever the number of rows."""
    facts = _facts(municipality, period)
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for key, metric, total in (
        facts.filter(metric__in=NETWORK_METRICS).values_list("key", "metric").annotate(total=Sum("value"))
    ):
        counts[key][metric] = int(total)
    hours = medians_by_key(municipality, period, "answer_hours")
    ids = {key: _ids(key) for key in counts}
    names: list[dict[int, str]] = []
    for n, model in enumerate((Department, District, Category)):
        wanted = {i[n] for i in ids.values() if i[n]}
        found = model.objects.in_bulk(wanted) if wanted else {}
        names.append({pk: row.title for pk, row in found.items()})
    rows = [
        NetworkRow(
            department_id=d,
            district_id=di,
            category_id=c,
            department=names[0].get(d, ""),
            district=names[1].get(di, ""),
            category=names[2].get(c, ""),
            received=counts[key].get("reports_received", 0),
            answered=counts[key].get("reports_answered", 0),
            in_time=counts[key].get("reports_answered_in_time", 0),
            median_hours=hours.get(key),
            disputed=counts[key].get("reports_disputed", 0),
        )
        for key, (d, di, c) in ids.items()
    ]
    rows.sort(key=lambda r: (-r.received, -r.answered, r.department, r.district, r.category, r.key))
    return rows


@dataclass
class Indicators:
    """Every per-month series of a municipality's dashboard, one value per month of `months`."""

    months: list[date]
    active: list[int]
    contributions: dict[str, list[int]]
    votes: list[int]
    votes_by_kind: dict[str, list[int]]
    received: list[int]
    answered: list[int]
    answered_in_time: list[int]
    median_answer_hours: list[float | None]
    disputed: list[int]
    initiatives_threshold: list[int]
    initiatives_adopted: list[int]
    appeals_received: list[int] = field(default_factory=list)
    appeals_answered: list[int] = field(default_factory=list)
    appeals_answered_in_time: list[int] = field(default_factory=list)


_PER_MONTH = (
    "reports_received",
    "reports_answered",
    "reports_answered_in_time",
    "reports_disputed",
    "initiatives_threshold",
    "initiatives_adopted",
    "appeals_received",
    "appeals_answered",
    "appeals_answered_in_time",
)


def indicators(municipality: Municipality, period: Period) -> Indicators:
    """The dashboard's series, in four queries."""
    months = period.months
    index = {month: i for i, month in enumerate(months)}
    facts = _facts(municipality, period)

    def zeros() -> list[int]:
        return [0] * len(months)

    contributions = {kind: zeros() for kind in CONTRIBUTION_KINDS}
    votes_by_kind = {kind: zeros() for kind in VOTE_KINDS}
    for metric, key, month, total in (
        facts.filter(metric__in=("contributions", "votes"))
        .values_list("metric", "key", "month")
        .annotate(total=Sum("value"))
    ):
        target = contributions if metric == "contributions" else votes_by_kind
        target.setdefault(key, zeros())[index[month]] += int(total)
    series = {metric: zeros() for metric in _PER_MONTH}
    for metric, month, total in (
        facts.filter(metric__in=_PER_MONTH).values_list("metric", "month").annotate(total=Sum("value"))
    ):
        series[metric][index[month]] += int(total)
    histograms: list[dict[int, int]] = [{} for _ in months]
    for month, bucket, total in (
        facts.filter(metric="answer_hours").values_list("month", "bucket").annotate(total=Sum("value"))
    ):
        histograms[index[month]][bucket] = int(total)
    return Indicators(
        months=months,
        active=active_participants(municipality, period),
        contributions=contributions,
        votes=[sum(kind[i] for kind in votes_by_kind.values()) for i in range(len(months))],
        votes_by_kind=votes_by_kind,
        received=series["reports_received"],
        answered=series["reports_answered"],
        answered_in_time=series["reports_answered_in_time"],
        median_answer_hours=[median_of(h) for h in histograms],
        disputed=series["reports_disputed"],
        initiatives_threshold=series["initiatives_threshold"],
        initiatives_adopted=series["initiatives_adopted"],
        appeals_received=series["appeals_received"],
        appeals_answered=series["appeals_answered"],
        appeals_answered_in_time=series["appeals_answered_in_time"],
    )
