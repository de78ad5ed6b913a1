"""Keeping the roll-ups: `rollup_run` adds what is new in every source, `rollup_check` recounts."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from veche.analytics.models import MonthlyFact, MonthlyParticipant, PeriodFigure, Watermark
from veche.analytics.periods import Period, offered_periods
from veche.analytics.selectors import (
    ACTIVE_PEOPLE,
    PARTICIPANTS,
    PERIOD_METRICS,
    REPEAT_PARTICIPANTS,
    count_repeat_participants,
)
from veche.analytics.sources import CHUNK, Fact, Months, Person, Source, Tally, sources
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day

# (municipality id, month): a month of a municipality.
Month = tuple[int, date]
# The watermark row locked while the figures of a whole run are kept (it marks no source).
FIGURES_LOCK = "~figures"

# Called with a source's name and the rows read from it so far in this run.
Progress = Callable[[str, int], None]

# Rows per INSERT: 6 parameters each stays far below SQLite's limit of bound variables.
INSERT_ROWS = 2_000


@dataclass
class RollupStats:
    """Rows read from each source in one run (recounted sources: the facts they changed)."""

    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class Mismatch:
    """A roll-up that does not agree with a recount of the raw tables."""

    municipality_id: int
    month: date
    metric: str  # a fact's metric, or "participants"
    key: str
    bucket: int
    stored: int
    recounted: int

    def __str__(self) -> str:
        return (
            f"{self.municipality_id} {self.month:%Y-%m} {self.metric} {self.key!r} {self.bucket}: "
            f"stored {self.stored}, recounted {self.recounted}"
        )


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _upsert(
    table: str,
    columns: Sequence[tuple[str, str]],
    unique: Sequence[str],
    total: str,
    rows: Sequence[tuple[object, ...]],
    *,
    replace: bool = False,
) -> None:
    """INSERT the rows, adding `total` to the stored value where the unique columns already exist
    (`replace`: setting it instead). `columns` are (name, PostgreSQL type) pairs: PostgreSQL takes
    each column as one array."""
    if not rows:
        return
    cols = ", ".join(_quote(name) for name, _type in columns)
    conflict = ", ".join(_quote(c) for c in unique)
    t, v = _quote(table), _quote(total)
    new = f"excluded.{v}" if replace else f"{t}.{v} + excluded.{v}"
    update = f"ON CONFLICT ({conflict}) DO UPDATE SET {v} = {new}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for _name, kind in columns)
            # Our own table and column names, quoted; the values are parameters.
            sql = f"INSERT INTO {t} ({cols}) SELECT * FROM unnest({arrays}) {update}"  # noqa: S608
            for start in range(0, len(rows), INSERT_ROWS * 10):
                batch = rows[start : start + INSERT_ROWS * 10]
                cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])
            return
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), INSERT_ROWS):
            batch = rows[start : start + INSERT_ROWS]
            sql = f"INSERT INTO {t} ({cols}) VALUES {', '.join([one] * len(batch))} {update}"  # noqa: S608
            params: list[Any] = [value for row in batch for value in row]
            cursor.execute(sql, params)


def _day(month: date) -> object:
    return connection.ops.adapt_datefield_value(month)


def add_facts(facts: Counter[Fact], *, replace: bool = False) -> None:
    rows = [
        (m, _day(month), metric, key, bucket, n) for (m, month, metric, key, bucket), n in facts.items() if n
    ]
    _upsert(
        MonthlyFact._meta.db_table,
        [
            ("municipality_id", "bigint"),
            ("month", "date"),
            ("metric", "text"),
            ("key", "text"),
            ("bucket", "integer"),
            ("value", "bigint"),
        ],
        ["municipality_id", "metric", "month", "key", "bucket"],
        "value",
        rows,
        replace=replace,
    )


def add_people(people: Counter[Person]) -> None:
    rows = [(m, _day(month), user, n) for (m, month, user), n in people.items() if n]
    _upsert(
        MonthlyParticipant._meta.db_table,
        [("municipality_id", "bigint"), ("month", "date"), ("user_id", "bigint"), ("actions", "integer")],
        ["municipality_id", "month", "user_id"],
        "actions",
        rows,
    )


def _watermarks(names: Iterable[str]) -> None:
    """Make sure every source has its watermark row (concurrent runs may both try), and the row
    `keep_figures` locks."""
    missing = {*names, FIGURES_LOCK} - set(Watermark.objects.values_list("source", flat=True))
    if missing:
        Watermark.objects.bulk_create(
            [Watermark(source=name) for name in sorted(missing)], ignore_conflicts=True
        )


def _locked(name: str) -> Watermark:
    if connection.vendor == "postgresql":
        # The chunk queries look costly to the planner (correlated EXISTS over millions of rows)
        # and JIT compiling them takes longer than running them.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    # PostgreSQL: the row lock serialises runs per source. SQLite: the IMMEDIATE write transaction
    # the project's settings open serialises them (select_for_update is a no-op there).
    return Watermark.objects.select_for_update().get(source=name)


def _stored(metrics: Sequence[str]) -> Counter[Fact]:
    rows = MonthlyFact.objects.filter(metric__in=metrics).values_list(
        "municipality_id", "month", "metric", "key", "bucket", "value"
    )
    return Counter({(m, month, metric, key, bucket): value for m, month, metric, key, bucket, value in rows})


def _run_recounted(source: Source, months: Months) -> int:
    with transaction.atomic():
        watermark = _locked(source.name)
        fresh = source.recount(months)
        diff = Counter(fresh)
        diff.subtract(_stored(source.metrics))
        changes = Counter({fact: n for fact, n in diff.items() if n})
        if changes:
            add_facts(changes)
            MonthlyFact.objects.filter(metric__in=source.metrics, value=0).delete()
            watermark.save(update_fields=["updated_at"])
    return len(changes)


def _settled(rows: list[tuple[Any, ...]], cutoff: float | None) -> list[tuple[Any, ...]]:
    """The rows before the first one made after `cutoff` (seconds since 1970): a row made since may
    have a neighbour with a smaller id whose transaction has not committed yet."""
    if cutoff is None:
        return rows
    for i, row in enumerate(rows):
        if row[1] > cutoff:
            return rows[:i]
    return rows


def _run_watermarked(
    source: Source, months: Months, progress: Progress | None, cutoff: float | None, touched: set[Month]
) -> int:
    read = 0
    while True:
        with transaction.atomic():
            watermark = _locked(source.name)
            fetched = source.read(watermark.last_id, CHUNK)
            rows = _settled(fetched, cutoff)
            if not rows:
                break
            tally = Tally.empty()
            source.count(rows, months, tally)
            add_facts(tally.facts)
            add_people(tally.people)
            touched.update((m, month) for m, month, _user in tally.people)
            watermark.last_id = rows[-1][0]
            watermark.save(update_fields=["last_id", "updated_at"])
        read += len(rows)
        if progress is not None:
            progress(source.name, read)
        if len(fetched) < CHUNK or len(rows) < len(fetched):
            break
    if not read and progress is not None:
        progress(source.name, 0)
    return read


def rollup_run(*, progress: Progress | None = None, settle: timedelta | None = None) -> RollupStats:
    """Add to the roll-ups what every source holds past its watermark, a chunk per transaction that
    also moves the watermark; recount the recounted sources and write their difference. Safe to run
    twice at once (the watermark rows are locked) and writes nothing when nothing is new.

    `settle`: leave rows made in the last `settle` for the next run, so that a row whose transaction
    is still open behind a newer committed one is not skipped (the scheduled task waits a minute;
    the command and tests read everything)."""
    cutoff = (timezone.now() - settle).timestamp() if settle else None
    every = sources()
    _watermarks(source.name for source in every)
    months = Months()
    stats = RollupStats()
    touched: set[Month] = set()
    for source in every:
        if source.recounted:
            stats.rows[source.name] = _run_recounted(source, months)
            if progress is not None:
                progress(source.name, stats.rows[source.name])
        else:
            stats.rows[source.name] = _run_watermarked(source, months, progress, cutoff, touched)
    keep_figures(touched)
    return stats


def count_active_people(months: Iterable[Month]) -> Counter[Fact]:
    """The `active_people` facts of these (municipality, month) pairs: their people's rows counted,
    one query per municipality (pairs without a row are left out)."""
    wanted: dict[int, set[date]] = defaultdict(set)
    for m, month in months:
        wanted[m].add(month)
    out: Counter[Fact] = Counter()
    for m, days in sorted(wanted.items()):
        rows = (
            MonthlyParticipant.objects.filter(municipality_id=m, month__in=sorted(days))
            .order_by()
            .values_list("month")
            .annotate(n=Count("id"))
        )
        for month, n in rows:
            out[m, month, ACTIVE_PEOPLE, "", 0] = n
    return out


def _stored_periods() -> dict[int, dict[tuple[date, date], set[str]]]:
    out: dict[int, dict[tuple[date, date], set[str]]] = defaultdict(lambda: defaultdict(set))
    for m, start, end, metric in PeriodFigure.objects.values_list(
        "municipality_id", "start", "end", "metric"
    ):
        out[m][start, end].add(metric)
    return out


def keep_figures(touched: set[Month]) -> None:
    """After a run: set the `active_people` facts of the months whose people changed to their
    recount, and compute the repeat participants of the periods the pages offer for each active
    municipality whose people changed in one of those periods or whose stored figures are missing or
    of a period no longer offered (the last twelve months move on with the month). In one
    transaction under a lock of its own, so that of two runs at once the later one counts after the
    other has written."""
    with transaction.atomic():
        _locked(FIGURES_LOCK)
        if touched:
            fresh = count_active_people(touched)
            add_facts(fresh, replace=True)
            gone = touched - {(m, month) for m, month, *_rest in fresh}
            for m, month in gone:
                MonthlyFact.objects.filter(
                    municipality_id=m, month=month, metric=ACTIVE_PEOPLE, key="", bucket=0
                ).delete()
        stored = _stored_periods()
        now = timezone.now()
        for municipality in Municipality.objects.filter(is_active=True).order_by("pk"):
            offered = offered_periods(local_day(municipality))
            have = stored.get(municipality.pk, {})
            changed = {month for m, month in touched if m == municipality.pk}
            todo = [
                period
                for period in offered
                if have.get((period.start, period.end)) != set(PERIOD_METRICS)
                or any(period.start <= month < period.end for month in changed)
            ]
            old = [span for span in have if span not in {(p.start, p.end) for p in offered}]
            for start, end in old:
                PeriodFigure.objects.filter(municipality=municipality, start=start, end=end).delete()
            figures = []
            for period in todo:
                repeat, participants = count_repeat_participants(municipality.pk, period)
                for metric, value in ((REPEAT_PARTICIPANTS, repeat), (PARTICIPANTS, participants)):
                    figures.append(
                        PeriodFigure(
                            municipality=municipality,
                            start=period.start,
                            end=period.end,
                            metric=metric,
                            value=value,
                            computed_at=now,
                        )
                    )
            if figures:
                PeriodFigure.objects.bulk_create(
                    figures,
                    update_conflicts=True,
                    unique_fields=["municipality", "start", "end", "metric"],
                    update_fields=["value", "computed_at"],
                )


def recount() -> Tally:
    """Every fact and participant as the raw tables give them, up to each source's watermark."""
    months = Months()
    marks = dict(Watermark.objects.values_list("source", "last_id"))
    tally = Tally.empty()
    for source in sources():
        if source.recounted:
            tally.facts.update(source.recount(months))
            continue
        upto, after = marks.get(source.name, 0), 0
        while after < upto:
            rows = source.read(after, CHUNK, upto=upto)
            if not rows:
                break
            source.count(rows, months, tally)
            after = rows[-1][0]
    return tally


def rollup_check() -> list[Mismatch]:
    """Recount every roll-up from the raw tables (rows up to each source's watermark; recounted
    sources in full) and list where the stored roll-ups differ."""
    tally = recount()
    for m, month, _user in tally.people:
        tally.facts[m, month, ACTIVE_PEOPLE, "", 0] += 1
    stored_facts = Counter(
        {
            (m, month, metric, key, bucket): value
            for m, month, metric, key, bucket, value in MonthlyFact.objects.values_list(
                "municipality_id", "month", "metric", "key", "bucket", "value"
            ).iterator(chunk_size=CHUNK)
        }
    )
    stored_people = Counter(
        {
            (m, month, user): n
            for m, month, user, n in MonthlyParticipant.objects.values_list(
                "municipality_id", "month", "user_id", "actions"
            ).iterator(chunk_size=CHUNK)
        }
    )
    out = []
    for fact in sorted(set(stored_facts) | set(tally.facts)):
        if stored_facts[fact] != tally.facts[fact]:
            m, month, metric, key, bucket = fact
            out.append(Mismatch(m, month, metric, key, bucket, stored_facts[fact], tally.facts[fact]))
    for person in sorted(set(stored_people) | set(tally.people)):
        if stored_people[person] != tally.people[person]:
            m, month, user = person
            out.append(
                Mismatch(m, month, "participants", str(user), 0, stored_people[person], tally.people[person])
            )
    out.extend(_check_figures(tally.people))
    return out


def repeat_of(rows: Iterable[tuple[date, int, int]], period: Period) -> dict[str, int]:
    """The period figures as (month, user, actions) rows of one municipality give them."""
    actions: Counter[int] = Counter()
    for month, user, n in rows:
        if period.start <= month < period.end and n:
            actions[user] += n
    return {REPEAT_PARTICIPANTS: sum(1 for n in actions.values() if n > 1), PARTICIPANTS: len(actions)}


def _check_figures(people: Counter[Person]) -> list[Mismatch]:
    """Each stored period figure against the recounted people (reported at the period's first
    month, with the period's label as the key)."""
    figures = list(PeriodFigure.objects.order_by("municipality_id", "start", "end", "metric"))
    spans = {(f.municipality_id, f.start, f.end) for f in figures}
    rows: dict[int, list[tuple[date, int, int]]] = defaultdict(list)
    wanted = {m for m, _start, _end in spans}
    for (m, month, user), n in people.items():
        if m in wanted:
            rows[m].append((month, user, n))
    recounted = {(m, start, end): repeat_of(rows[m], Period(start, end)) for m, start, end in spans}
    out = []
    for f in figures:
        value = recounted[f.municipality_id, f.start, f.end].get(f.metric, 0)
        if f.value != value:
            label = Period(f.start, f.end).label
            out.append(Mismatch(f.municipality_id, f.start, f.metric, label, 0, f.value, value))
    return out
