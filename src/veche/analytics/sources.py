"""Where the roll-ups come from: one source per participation table.

A *watermarked* source reads the rows of its table past the id it stopped at last time, in id
order, a chunk at a time, as tuples (never model instances), and turns each row into fact
increments (municipality, month, metric, key, bucket) += 1 and participant actions
(municipality, month, person) += 1. Its rows are counted once, when they are made: a
contribution later hidden, declined or withdrawn still counts in the month it was made, and a
vote changed later is not a new vote.

A *recounted* source is a small table whose rows change state (an appeal that reaches its
threshold and is answered, an initiative that reaches its threshold or is decided): it counts
its metrics in full on every run and the run writes the difference.

Months are the municipality's own calendar months (`Months`). See docs/analytics.md, "Roll-ups".
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, FloatField, Func, Model, OuterRef, Q

from veche.municipalities.models import Municipality
from veche.municipalities.selectors import municipality_add_working_days
from veche.municipalities.zones import zone_of

# (municipality id, month, metric, key, bucket)
Fact = tuple[int, date, str, str, int]
# (municipality id, month, user id)
Person = tuple[int, date, int]

CHUNK = 20_000
FIRST_YEAR, LAST_YEAR = 1970, 2200


class Months:
    """The local month (its first day) of a moment in each municipality: the UTC instants at which
    the municipality's months begin are computed once, and a moment is placed by bisection."""

    def __init__(self) -> None:
        self._municipalities = {m.pk: m for m in Municipality.objects.all()}
        self._bounds: dict[int, tuple[list[float], list[date]]] = {}
        self._zones: dict[int, ZoneInfo] = {}
        self._dues: dict[tuple[int, date, int], date] = {}

    def municipality(self, municipality_id: int) -> Municipality:
        found = self._municipalities.get(municipality_id)
        if found is None:  # made since this run began
            found = self._municipalities[municipality_id] = Municipality.objects.get(pk=municipality_id)
        return found

    def zone(self, municipality_id: int) -> ZoneInfo:
        zone = self._zones.get(municipality_id)
        if zone is None:
            zone = self._zones[municipality_id] = zone_of(self.municipality(municipality_id))
        return zone

    def _for(self, municipality_id: int) -> tuple[list[float], list[date]]:
        bounds = self._bounds.get(municipality_id)
        if bounds is None:
            zone = self.zone(municipality_id)
            firsts = [date(y, m, 1) for y in range(FIRST_YEAR, LAST_YEAR) for m in range(1, 13)]
            stamps = [datetime(d.year, d.month, 1, tzinfo=zone).timestamp() for d in firsts]
            bounds = self._bounds[municipality_id] = (stamps, firsts)
        return bounds

    def month(self, municipality_id: int, stamp: float) -> date:
        """The local month of `stamp` (seconds since 1970, as `Epoch` reads them)."""
        stamps, firsts = self._for(municipality_id)
        return firsts[max(0, bisect_right(stamps, stamp) - 1)]

    def day(self, municipality_id: int, stamp: float) -> date:
        return datetime.fromtimestamp(stamp, self.zone(municipality_id)).date()

    def due(self, municipality_id: int, start: date, days: int) -> date:
        """`days` working days after `start` in the municipality (cached: reports share them)."""
        cached = self._dues.get((municipality_id, start, days))
        if cached is None:
            municipality = self.municipality(municipality_id)
            cached = municipality_add_working_days(municipality=municipality, start=start, days=days)
            self._dues[(municipality_id, start, days)] = cached
        return cached


class Epoch(Func):
    """A moment as seconds since 1970 (a float): rows are read without building a datetime each."""

    output_field = FloatField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS DOUBLE PRECISION)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps UTC moments as text; julianday reads it, rounded to the millisecond.
        template = "(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400000.0) / 1000.0)"
        return self.as_sql(compiler, connection, template=template, **extra)


def epoch(field: str) -> Epoch:
    return Epoch(F(field))


@dataclass
class Tally:
    """What a batch of rows adds."""

    facts: Counter[Fact]
    people: Counter[Person]

    @classmethod
    def empty(cls) -> Tally:
        return cls(Counter(), Counter())


class Source:
    name: str
    # Recounted in full on every run (small tables whose rows change state) rather than watermarked.
    recounted: bool = False
    # The metrics a recounted source owns (their facts are replaced by its count).
    metrics: tuple[str, ...] = ()

    def read(self, after: int, limit: int, upto: int | None = None) -> list[tuple[Any, ...]]:
        """Rows past id `after` (and at most `upto`), in id order: (id, created_at, ...)."""
        raise NotImplementedError

    def count(self, rows: Iterable[tuple[Any, ...]], months: Months, tally: Tally) -> None:
        raise NotImplementedError

    def recount(self, months: Months) -> Counter[Fact]:
        raise NotImplementedError


class RowSource(Source):
    """A table of which each row is one act: a contribution or a vote, by a person (or nobody,
    for paper ballots and imported rows)."""

    def __init__(
        self,
        name: str,
        model: type[Model],
        *,
        metric: str,
        key: str,
        municipality: str,
        user: str | None,
        where: Q | None = None,
    ) -> None:
        self.name, self.model, self.metric, self.key = name, model, metric, key
        self.municipality, self.user, self.where = municipality, user, where

    def read(self, after: int, limit: int, upto: int | None = None) -> list[tuple[Any, ...]]:
        rows = self.model._default_manager.filter(id__gt=after)
        if upto is not None:
            rows = rows.filter(id__lte=upto)
        if self.where is not None:
            rows = rows.filter(self.where)
        fields: list[Any] = ["id", epoch("created_at"), self.municipality] + (
            [self.user] if self.user else []
        )
        return list(rows.order_by("id").values_list(*fields)[:limit])

    def count(self, rows: Iterable[tuple[Any, ...]], months: Months, tally: Tally) -> None:
        facts, people, metric, key = tally.facts, tally.people, self.metric, self.key
        month_of = months.month
        for row in rows:
            municipality_id = row[2]
            month = month_of(municipality_id, row[1])
            facts[(municipality_id, month, metric, key, 0)] += 1
            if len(row) > 3 and row[3] is not None:
                people[(municipality_id, month, row[3])] += 1


ANSWER_EVENTS = ("resolved", "rejected")


def report_key(department_id: int | None, district_id: int | None, category_id: int | None) -> str:
    return f"{department_id or 0}|{district_id or 0}|{category_id or 0}"


class ReportEvents(Source):
    """The steps of reports (append-only): the first routing to a department (`reports_received`),
    the first answer (`reports_answered`, `reports_answered_in_time`, `answer_hours`) and every
    dispute (`reports_disputed`), keyed by the department the step names and the report's district
    and category."""

    name = "report_events"

    def read(self, after: int, limit: int, upto: int | None = None) -> list[tuple[Any, ...]]:
        from veche.reports.models import ReportEvent

        same = ReportEvent.objects.filter(report_id=OuterRef("report_id"), id__lt=OuterRef("id"))
        rows = ReportEvent.objects.filter(id__gt=after, kind__in=("routed", "disputed", *ANSWER_EVENTS))
        if upto is not None:
            rows = rows.filter(id__lte=upto)
        rows = rows.annotate(
            routed_before=Exists(same.filter(kind="routed")),
            answered_before=Exists(same.filter(kind__in=ANSWER_EVENTS)),
            disputed=Exists(ReportEvent.objects.filter(report_id=OuterRef("report_id"), kind="disputed")),
        )
        return list(
            rows.order_by("id").values_list(
                "id",
                epoch("created_at"),
                "kind",
                "department_id",
                "report__municipality_id",
                "report__district_id",
                "report__category_id",
                epoch("report__created_at"),
                "report__answer_due",
                "report__category__answer_days",
                "routed_before",
                "answered_before",
                "disputed",
            )[:limit]
        )

    def count(self, rows: Iterable[tuple[Any, ...]], months: Months, tally: Tally) -> None:
        facts = tally.facts
        for (
            _id,
            at,
            kind,
            department_id,
            municipality_id,
            district_id,
            category_id,
            submitted_at,
            answer_due,
            answer_days,
            routed_before,
            answered_before,
            disputed,
        ) in rows:
            month = months.month(municipality_id, at)
            key = report_key(department_id, district_id, category_id)
            if kind == "routed":
                if not routed_before:
                    facts[(municipality_id, month, "reports_received", key, 0)] += 1
            elif kind == "disputed":
                facts[(municipality_id, month, "reports_disputed", key, 0)] += 1
            elif not answered_before:
                facts[(municipality_id, month, "reports_answered", key, 0)] += 1
                hours = max(0, int((at - submitted_at) // 3600))
                facts[(municipality_id, month, "answer_hours", key, hours)] += 1
                if disputed:
                    # A dispute sets a new answer date; the first answer is judged by the first one.
                    submitted = months.day(municipality_id, submitted_at)
                    answer_due = months.due(municipality_id, submitted, answer_days)
                if months.day(municipality_id, at) <= answer_due:
                    facts[(municipality_id, month, "reports_answered_in_time", key, 0)] += 1


class AppealAnswers(Source):
    """Appeals past their threshold (an answer is owed: `appeals_received`), answered
    (`appeals_answered`), answered by the date owed (`appeals_answered_in_time`)."""

    name = "appeal_answers"
    recounted = True
    metrics = ("appeals_received", "appeals_answered", "appeals_answered_in_time")

    def recount(self, months: Months) -> Counter[Fact]:
        from veche.appeals.models import Appeal

        facts: Counter[Fact] = Counter()
        key = report_key(None, None, None)
        rows = Appeal.objects.filter(threshold_reached_at__isnull=False).values_list(
            "municipality_id", "threshold_reached_at", "answered_at", "answer_due"
        )
        for municipality_id, reached_at, answered_at, answer_due in rows.iterator(chunk_size=CHUNK):
            if reached_at is None:
                continue
            reached = months.month(municipality_id, reached_at.timestamp())
            facts[(municipality_id, reached, "appeals_received", key, 0)] += 1
            if answered_at is not None:
                answered = answered_at.timestamp()
                month = months.month(municipality_id, answered)
                facts[(municipality_id, month, "appeals_answered", key, 0)] += 1
                if answer_due is None or months.day(municipality_id, answered) <= answer_due:
                    facts[(municipality_id, month, "appeals_answered_in_time", key, 0)] += 1
        return facts


class InitiativeOutcomes(Source):
    """Initiatives that reached their support threshold (`initiatives_threshold`) and that were
    decided: residents chose an option the authority carries out (`initiatives_adopted`)."""

    name = "initiative_outcomes"
    recounted = True
    metrics = ("initiatives_threshold", "initiatives_adopted")

    def recount(self, months: Months) -> Counter[Fact]:
        from veche.initiatives.models import Initiative

        facts: Counter[Fact] = Counter()
        rows = Initiative.objects.filter(
            Q(threshold_reached_at__isnull=False) | Q(decided_at__isnull=False)
        ).values_list("municipality_id", "threshold_reached_at", "decided_at")
        for municipality_id, reached_at, decided_at in rows.iterator(chunk_size=CHUNK):
            if reached_at is not None:
                facts[
                    (
                        municipality_id,
                        months.month(municipality_id, reached_at.timestamp()),
                        "initiatives_threshold",
                        "",
                        0,
                    )
                ] += 1
            if decided_at is not None:
                facts[
                    (
                        municipality_id,
                        months.month(municipality_id, decided_at.timestamp()),
                        "initiatives_adopted",
                        "",
                        0,
                    )
                ] += 1
        return facts


def _sources() -> list[Source]:
    from veche.appeals.models import Appeal, AppealSignature
    from veche.budgeting.models import Ballot, Proposal
    from veche.comments.models import Comment
    from veche.crowdprojects.models import (
        CrowdBallot,
        Idea,
        IdeaRating,
        IdeaSupport,
        MonitoringReport,
        ResultRating,
    )
    from veche.deliberation.models import Statement, Vote
    from veche.drafting.models import Amendment, AmendmentSupport
    from veche.funding.models import Pledge
    from veche.initiatives.models import Initiative, InitiativeSupport
    from veche.polls.models import PollVote
    from veche.reports.models import Report, ReportSupport

    def made(
        name: str, model: type[Model], key: str, municipality: str = "municipality_id", **kw: Any
    ) -> RowSource:
        return RowSource(name, model, metric="contributions", key=key, municipality=municipality, **kw)

    def voted(
        name: str, model: type[Model], key: str, municipality: str, user: str | None = "user_id"
    ) -> RowSource:
        return RowSource(name, model, metric="votes", key=key, municipality=municipality, user=user)

    return [
        made("reports", Report, "report", user="author_id"),
        ReportEvents(),
        voted("report_supports", ReportSupport, "me_too", "report__municipality_id"),
        made("appeals", Appeal, "appeal", user="author_id"),
        voted("appeal_signatures", AppealSignature, "signature", "petition__municipality_id"),
        AppealAnswers(),
        made("initiatives", Initiative, "initiative", user="author_id"),
        voted("initiative_supports", InitiativeSupport, "support", "petition__municipality_id"),
        InitiativeOutcomes(),
        voted("poll_votes", PollVote, "poll", "poll__municipality_id"),
        made("budget_proposals", Proposal, "proposal", "process__municipality_id", user="author_id"),
        voted("budget_ballots", Ballot, "budget", "process__municipality_id"),
        made("ideas", Idea, "idea", user="author_id"),
        voted("idea_supports", IdeaSupport, "idea_support", "petition__municipality_id"),
        voted("crowd_ballots", CrowdBallot, "crowd", "project__municipality_id"),
        voted("idea_ratings", IdeaRating, "rating", "idea__municipality_id"),
        voted("result_ratings", ResultRating, "result_rating", "idea__municipality_id"),
        made("monitoring_reports", MonitoringReport, "monitoring", user="author_id"),
        made("statements", Statement, "statement", user="author_id", where=Q(is_seed=False)),
        voted(
            "deliberation_votes",
            Vote,
            "deliberation",
            "deliberation__municipality_id",
            "participant__user_id",
        ),
        voted("pledges", Pledge, "pledge", "campaign__municipality_id"),
        made("amendments", Amendment, "amendment", user="author_id"),
        voted("amendment_supports", AmendmentSupport, "amendment_support", "amendment__municipality_id"),
        made("comments", Comment, "comment", user="author_id"),
    ]


_SOURCES: list[Source] = []


def sources() -> Sequence[Source]:
    """Every source, in the order a run reads them (built on first use: the apps' models load first)."""
    if not _SOURCES:
        _SOURCES.extend(_sources())
    return _SOURCES


def source_named(name: str) -> Source:
    for source in sources():
        if source.name == name:
            return source
    raise KeyError(name)
