"""Benchmark of the analytics pages on a seeded database: ours against the naive aggregate queries.

    DATABASE_URL=postgres://... .venv/bin/python bench/analytics_dashboards.py \\
        [--reports 1000000 --votes 10000000] [--repeat 10] [--naive-repeat 3] [--period ""]

The database is the one DATABASE_URL names (PostgreSQL: the naive queries use its time zones). The
script migrates it; if it holds no report it seeds it first with `veche seed_activity --reports R
--votes V --no-map` (timed). Then, in one run:

1. the roll-ups are emptied and `veche analytics rollup` runs as a whole process over everything
   (timed, wall clock); then `veche seed_activity --force --months 1 --reports 1000 --votes 9000`
   adds 10,000 new reports and votes (with the reports' events) in the current month, and the
   roll-up runs again (timed);
2. for each municipality's dashboard (`/analytics/<slug>/`), its network page
   (`/analytics/<slug>/network/`) and the comparison page (`/analytics/`): ours is the page
   rendered by Django's test Client in this process (URL, middleware, view, selectors, template),
   or, when the pages are not installed, the selectors the page calls (the table says which);
   naive is the same figures computed from the raw tables by plain GROUP BY queries (below), as a
   peer without roll-ups would;
3. the figures are compared: the naive ones against the selectors' (`indicators`,
   `repeat_participants`, `network`) for every municipality.

Naive, per page (all in SQL over the raw tables, filtered to the period by each municipality's
local months; only the in-time test of the first answer to a report that was later disputed is
done in Python, with the municipality's calendar, because its first deadline is no longer stored):
- dashboard (the indicators' charts): every contribution and vote row of the municipality
  (reports, appeals, initiatives, proposals, ideas, resident statements, comments, amendments,
  monitoring reports; poll, budget, crowd, deliberation and rating votes, supports, signatures,
  "me too", pledges), grouped by kind and month, and the distinct people per month; the first
  routing, the first answer (its whole hours for the median, and whether it was in time) and the
  disputes of reports per month; initiatives reaching their threshold and decided; appeals owed an
  answer, answered and answered in time;
- network (its table and the repeat participants): the report figures grouped by department,
  district and category instead of month, and the people with more than one action in the period;
- comparison (its sparklines): votes and distinct people per month of every municipality.
The pages do more than these figures (the classification and its evidence, the budget share and
power-transfer index, the flows), from the same code on both sides: the naive side leaves them out,
which favours it.

Ours: one warm-up, then --repeat timed runs (median and max); naive: --naive-repeat runs (median).
`ratio` is naive median / ours median; the targets (issue 14) are ratio >= 20 and ours <= 1 s (the
median). Exit 1 if a target is missed or a figure differs. Timing assertions do not belong in the
test suite; this script is where the numbers come from.
"""

# The SQL is put together from this file's own table and column names; values go as parameters. The
# only process run is `python -m veche` with this script's own arguments.
# ruff: noqa: S603, S608
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TARGET_RATIO = 20.0
TARGET_SECONDS = 1.0
NEW_REPORTS, NEW_VOTES = 1_000, 9_000


def log(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def veche(*args: str) -> float:
    """Run `veche ARGS` as its own process; its wall-clock seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "veche", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


# --- the naive peer --------------------------------------------------------------------------------

# (metric, kind, model, path to the municipality, path to the person, only rows where): every raw
# table whose rows are contributions or votes, as docs/analytics.md lists them.
ROWS: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
    ("contributions", "report", "reports.Report", "municipality_id", "author_id", {}),
    ("contributions", "appeal", "appeals.Appeal", "municipality_id", "author_id", {}),
    ("contributions", "initiative", "initiatives.Initiative", "municipality_id", "author_id", {}),
    ("contributions", "proposal", "budgeting.Proposal", "process__municipality_id", "author_id", {}),
    ("contributions", "idea", "crowdprojects.Idea", "municipality_id", "author_id", {}),
    ("contributions", "monitoring", "crowdprojects.MonitoringReport", "municipality_id", "author_id", {}),
    (
        "contributions",
        "statement",
        "deliberation.Statement",
        "municipality_id",
        "author_id",
        {"is_seed": False},
    ),
    ("contributions", "amendment", "drafting.Amendment", "municipality_id", "author_id", {}),
    ("contributions", "comment", "comments.Comment", "municipality_id", "author_id", {}),
    ("votes", "me_too", "reports.ReportSupport", "report__municipality_id", "user_id", {}),
    ("votes", "signature", "appeals.AppealSignature", "petition__municipality_id", "user_id", {}),
    ("votes", "support", "initiatives.InitiativeSupport", "petition__municipality_id", "user_id", {}),
    ("votes", "poll", "polls.PollVote", "poll__municipality_id", "user_id", {}),
    ("votes", "budget", "budgeting.Ballot", "process__municipality_id", "user_id", {}),
    ("votes", "idea_support", "crowdprojects.IdeaSupport", "petition__municipality_id", "user_id", {}),
    ("votes", "crowd", "crowdprojects.CrowdBallot", "project__municipality_id", "user_id", {}),
    ("votes", "rating", "crowdprojects.IdeaRating", "idea__municipality_id", "user_id", {}),
    ("votes", "result_rating", "crowdprojects.ResultRating", "idea__municipality_id", "user_id", {}),
    (
        "votes",
        "deliberation",
        "deliberation.Vote",
        "deliberation__municipality_id",
        "participant__user_id",
        {},
    ),
    ("votes", "pledge", "funding.Pledge", "campaign__municipality_id", "user_id", {}),
    ("votes", "amendment_support", "drafting.AmendmentSupport", "amendment__municipality_id", "user_id", {}),
]


@dataclass
class Figures:
    """What a page shows, per municipality id: series by month (or rows by key, for the network)."""

    series: dict[int, dict[str, list[Any]]]
    repeat: dict[int, tuple[int, int]]
    network: dict[int, dict[str, tuple[int, int, int, float | None, int]]]


class Naive:
    """The figures from the raw tables, by plain aggregate queries."""

    def __init__(self, period: Any, municipalities: list[Any]) -> None:
        from django.apps import apps
        from django.db.models import F

        self.period = period
        self.months = period.months
        self.zones = {m.pk: m.timezone for m in municipalities}
        self.by_id = {m.pk: m for m in municipalities}
        # A day's margin around the period in UTC; the local month decides.
        self.since = f"{period.start.isoformat()} 00:00:00+00"
        self.until = f"{period.end.isoformat()} 00:00:00+00"
        self.rows: list[tuple[str, str, str, list[Any]]] = []
        for metric, kind, label, municipality, person, where in ROWS:
            model = apps.get_model(label)
            select = model._default_manager.filter(**where).order_by()
            select = select.values_list(F(municipality), "created_at", F(person))
            sql, params = select.query.sql_with_params()
            self.rows.append((metric, kind, sql, list(params)))

    def _month(self, column: str) -> str:
        return f"date_trunc('month', {column} AT TIME ZONE mu.timezone)::date"

    def _in_period(self, column: str) -> str:
        month = self._month(column)
        return (
            f"{column} >= %s::timestamptz - interval '1 day' "
            f"AND {column} < %s::timestamptz + interval '1 day' AND {month} >= %s AND {month} < %s"
        )

    def _window(self) -> list[Any]:
        return [self.since, self.until, self.period.start, self.period.end]

    def _only(self, column: str, ids: list[int]) -> tuple[str, list[Any]]:
        return f" AND {column} = ANY(%s)", [ids]

    def _fetch(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _union(self, ids: list[int]) -> tuple[str, list[Any]]:
        """FROM and WHERE over every contribution and vote row of the municipalities in the period."""
        union = " UNION ALL ".join(
            f"SELECT '{metric}' AS metric, '{kind}' AS kind, a.* FROM ({sql}) a(municipality_id, at, person)"
            for metric, kind, sql, _params in self.rows
        )
        union_params = [p for *_rest, params in self.rows for p in params]
        only, only_params = self._only("x.municipality_id", ids)
        base = (
            f"FROM ({union}) x JOIN municipalities_municipality mu ON mu.id = x.municipality_id "
            f"WHERE {self._in_period('x.at')}{only}"
        )
        return base, union_params + self._window() + only_params

    def actions(self, ids: list[int], by_kind: bool = True) -> dict[int, dict[str, list[int]]]:
        """Contributions and votes (by kind, or votes alone) and people, per month."""
        base, params = self._union(ids)
        series: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(self._zeros))
        index = {m: i for i, m in enumerate(self.months)}
        if by_kind:
            counted = self._fetch(
                f"SELECT x.municipality_id, x.metric, x.kind, {self._month('x.at')}, count(*) {base} "
                "GROUP BY 1, 2, 3, 4",
                params,
            )
        else:
            counted = self._fetch(
                f"SELECT x.municipality_id, x.metric, '', {self._month('x.at')}, count(*) {base} "
                "AND x.metric = 'votes' GROUP BY 1, 2, 4",
                params,
            )
        for municipality, metric, kind, month, n in counted:
            if by_kind:
                series[municipality][f"{metric}:{kind}"][index[month]] += n
            series[municipality][metric][index[month]] += n
        for municipality, month, n in self._fetch(
            f"SELECT x.municipality_id, {self._month('x.at')}, count(DISTINCT x.person) {base} "
            "AND x.person IS NOT NULL GROUP BY 1, 2",
            params,
        ):
            series[municipality]["active"][index[month]] = n
        return series

    def repeat(self, ids: list[int]) -> dict[int, tuple[int, int]]:
        """(people with more than one action in the period, people with at least one)."""
        base, params = self._union(ids)
        return {
            municipality: (int(more), int(people))
            for municipality, more, people in self._fetch(
                "SELECT municipality_id, count(*) FILTER (WHERE n > 1), count(*) FROM "
                f"(SELECT x.municipality_id, x.person, count(*) AS n {base} AND x.person IS NOT NULL "
                "GROUP BY 1, 2) p GROUP BY 1",
                params,
            )
        }

    def _zeros(self) -> list[int]:
        return [0] * len(self.months)

    def reports(self, ids: list[int], by_key: bool) -> dict[int, dict[Any, dict[str, Any]]]:
        """Per municipality and month (or key): first routings, first answers (count, in time, whole
        hours for the median) and disputes."""
        from veche.municipalities.selectors import municipality_add_working_days

        group = "e.department_id, r.district_id, r.category_id" if by_key else self._month("e.created_at")
        only, only_params = self._only("r.municipality_id", ids)
        joins = (
            "FROM reports_reportevent e JOIN reports_report r ON r.id = e.report_id "
            "JOIN municipalities_municipality mu ON mu.id = r.municipality_id "
        )
        out: dict[int, dict[Any, dict[str, Any]]] = defaultdict(
            lambda: defaultdict(
                lambda: {"received": 0, "answered": 0, "in_time": 0, "hours": Counter(), "disputed": 0}
            )
        )

        def place(row: tuple[Any, ...]) -> tuple[int, Any]:
            municipality, *rest = row
            return municipality, tuple(rest) if by_key else rest[0]

        width = 3 if by_key else 1
        for row in self._fetch(
            f"SELECT r.municipality_id, {group}, count(*) {joins} WHERE e.kind = 'routed' "
            "AND NOT EXISTS (SELECT 1 FROM reports_reportevent p WHERE p.report_id = e.report_id "
            f"AND p.kind = 'routed' AND p.id < e.id) AND {self._in_period('e.created_at')}{only} "
            f"GROUP BY 1, {', '.join(str(i + 2) for i in range(width))}",
            self._window() + only_params,
        ):
            municipality, where = place(row[: width + 1])
            out[municipality][where]["received"] += row[-1]
        for row in self._fetch(
            f"SELECT r.municipality_id, {group}, count(*) {joins} WHERE e.kind = 'disputed' "
            f"AND {self._in_period('e.created_at')}{only} "
            f"GROUP BY 1, {', '.join(str(i + 2) for i in range(width))}",
            self._window() + only_params,
        ):
            municipality, where = place(row[: width + 1])
            out[municipality][where]["disputed"] += row[-1]
        disputed = (
            "EXISTS (SELECT 1 FROM reports_reportevent d WHERE d.report_id = r.id AND d.kind = 'disputed')"
        )
        first_answer = (
            f"{joins} JOIN municipalities_category c ON c.id = r.category_id "
            "WHERE e.kind IN ('resolved', 'rejected') AND NOT EXISTS (SELECT 1 FROM reports_reportevent p "
            "WHERE p.report_id = e.report_id AND p.kind IN ('resolved', 'rejected') AND p.id < e.id) "
            f"AND {self._in_period('e.created_at')}{only}"
        )
        hours = "floor(extract(epoch FROM e.created_at - r.created_at) / 3600)::int"
        for row in self._fetch(
            f"SELECT r.municipality_id, {group}, {hours}, "
            f"count(*) FILTER (WHERE NOT {disputed} "
            "AND (e.created_at AT TIME ZONE mu.timezone)::date <= r.answer_due), "
            f"count(*) {first_answer} GROUP BY 1, {', '.join(str(i + 2) for i in range(width + 1))}",
            self._window() + only_params,
        ):
            municipality, where = place(row[: width + 1])
            cell = out[municipality][where]
            cell["answered"] += row[-1]
            cell["in_time"] += row[-2]
            cell["hours"][max(0, row[-3])] += row[-1]
        # A disputed report's first answer is judged by its first deadline, which the dispute replaced.
        for row in self._fetch(
            f"SELECT r.municipality_id, {group}, (r.created_at AT TIME ZONE mu.timezone)::date, "
            f"c.answer_days, (e.created_at AT TIME ZONE mu.timezone)::date {first_answer} AND {disputed}",
            self._window() + only_params,
        ):
            municipality, where = place(row[: width + 1])
            submitted, days, answered = row[-3:]
            due = municipality_add_working_days(
                municipality=self.by_id[municipality], start=submitted, days=days
            )
            if answered <= due:
                out[municipality][where]["in_time"] += 1
        return out

    def petitions(self, ids: list[int]) -> dict[int, dict[str, list[int]]]:
        """Initiatives reaching their threshold and decided; appeals owed an answer, answered, in time."""
        out: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(self._zeros))
        index = {m: i for i, m in enumerate(self.months)}
        only, only_params = self._only("t.municipality_id", ids)
        for table, column, metric, extra in (
            ("initiatives_initiative", "threshold_reached_at", "initiatives_threshold", ""),
            ("initiatives_initiative", "decided_at", "initiatives_adopted", ""),
            ("appeals_appeal", "threshold_reached_at", "appeals_received", ""),
            ("appeals_appeal", "answered_at", "appeals_answered", "AND t.threshold_reached_at IS NOT NULL"),
            (
                "appeals_appeal",
                "answered_at",
                "appeals_answered_in_time",
                "AND t.threshold_reached_at IS NOT NULL AND (t.answer_due IS NULL "
                "OR (t.answered_at AT TIME ZONE mu.timezone)::date <= t.answer_due)",
            ),
        ):
            for municipality, month, n in self._fetch(
                f"SELECT t.municipality_id, {self._month('t.' + column)}, count(*) FROM {table} t "
                f"JOIN municipalities_municipality mu ON mu.id = t.municipality_id "
                f"WHERE {self._in_period('t.' + column)} {extra}{only} GROUP BY 1, 2",
                self._window() + only_params,
            ):
                out[municipality][metric][index[month]] += n
        return out

    def dashboard(self, ids: list[int]) -> Figures:
        from veche.analytics.selectors import median_of

        series = self.actions(ids)
        reports = self.reports(ids, by_key=False)
        petitions = self.petitions(ids)
        index = {m: i for i, m in enumerate(self.months)}
        for municipality in ids:
            s = series[municipality]
            for metric, values in petitions[municipality].items():
                s[metric] = values
            medians: list[float | None] = [None] * len(self.months)
            for month, cell in reports[municipality].items():
                i = index[month]
                s["received"][i], s["answered"][i] = cell["received"], cell["answered"]
                s["answered_in_time"][i], s["disputed"][i] = cell["in_time"], cell["disputed"]
                medians[i] = median_of(dict(cell["hours"]))
            s["median_answer_hours"] = medians
        return Figures({m: dict(series[m]) for m in ids}, {}, {})

    def comparison(self, ids: list[int]) -> Figures:
        series = self.actions(ids, by_kind=False)
        return Figures({m: dict(series[m]) for m in ids}, {}, {})

    def network(self, ids: list[int]) -> Figures:
        from veche.analytics.selectors import median_of

        rows = self.reports(ids, by_key=True)
        repeat = self.repeat(ids)
        network = {
            municipality: {
                "|".join(str(part or 0) for part in key): (
                    cell["received"],
                    cell["answered"],
                    cell["in_time"],
                    median_of(dict(cell["hours"])),
                    cell["disputed"],
                )
                for key, cell in rows[municipality].items()
            }
            for municipality in ids
        }
        return Figures({}, {m: repeat.get(m, (0, 0)) for m in ids}, network)


# --- ours ------------------------------------------------------------------------------------------


def ours_figures(municipality: Any, period: Any) -> Figures:
    """The figures as the selectors give them (what the pages show)."""
    from veche.analytics import selectors

    ind = selectors.indicators(municipality, period)
    s: dict[str, list[Any]] = defaultdict(lambda: [0] * len(ind.months))
    for kind, values in ind.contributions.items():
        if any(values):
            s[f"contributions:{kind}"] = list(values)
    for kind, values in ind.votes_by_kind.items():
        if any(values):
            s[f"votes:{kind}"] = list(values)
    s["contributions"] = [sum(v[i] for v in ind.contributions.values()) for i in range(len(ind.months))]
    s["votes"] = list(ind.votes)
    s["active"] = list(ind.active)
    for name in (
        "received",
        "answered",
        "answered_in_time",
        "disputed",
        "initiatives_threshold",
        "initiatives_adopted",
        "appeals_received",
        "appeals_answered",
        "appeals_answered_in_time",
    ):
        s[name] = list(getattr(ind, name))
    s["median_answer_hours"] = list(ind.median_answer_hours)
    network = {
        row.key: (row.received, row.answered, row.in_time, row.median_hours, row.disputed)
        for row in selectors.network(municipality, period)
    }
    return Figures(
        {municipality.pk: dict(s)},
        {municipality.pk: selectors.repeat_participants(municipality, period)},
        {municipality.pk: network},
    )


def differences(slug: str, ours: Figures, naive: Figures, pk: int, what: str) -> list[str]:
    found = []
    if what in ("dashboard", "comparison"):
        a, b = ours.series[pk], naive.series.get(pk, {})
        names = set(a) | set(b) if what == "dashboard" else {"active", "votes"}
        zero = [0] * len(a["active"])
        for name in sorted(names):
            empty = [None] * len(zero) if name == "median_answer_hours" else zero
            mine, theirs = a.get(name, empty), b.get(name, empty)
            if list(mine) != list(theirs):
                found.append(f"{slug} {what} {name}: ours {mine}, naive {theirs}")
    if what == "network":
        if ours.repeat[pk] != naive.repeat.get(pk):
            found.append(f"{slug} repeat participants: ours {ours.repeat[pk]}, naive {naive.repeat.get(pk)}")
        a_rows, b_rows = ours.network[pk], naive.network.get(pk, {})
        for key in sorted(set(a_rows) | set(b_rows)):
            if a_rows.get(key) != b_rows.get(key):
                found.append(f"{slug} network {key}: ours {a_rows.get(key)}, naive {b_rows.get(key)}")
    return found


# --- timing ----------------------------------------------------------------------------------------


@dataclass
class Row:
    page: str
    how: str
    ours: list[float]
    naive: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.naive) / statistics.median(self.ours)

    @property
    def met(self) -> bool:
        return self.ratio >= TARGET_RATIO and statistics.median(self.ours) <= TARGET_SECONDS


def timed(call: Callable[[], Any], times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        out.append(time.perf_counter() - started)
    return out


def table(rows: list[Row]) -> str:
    lines = [
        "| page | ours | ours median s | ours max s | naive median s | ratio | within 1 s | target met |",
        "|---|---|---:|---:|---:|---:|:---:|:---:|",
    ]
    for r in rows:
        ours = statistics.median(r.ours)
        lines.append(
            f"| {r.page} | {r.how} | {ours:.3f} | {max(r.ours):.3f} | {statistics.median(r.naive):.2f} | "
            f"{r.ratio:,.1f}x | {'yes' if ours <= TARGET_SECONDS else 'no'} | {'yes' if r.met else 'no'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=1_000_000, help="to seed an empty database")
    parser.add_argument("--votes", type=int, default=10_000_000, help="to seed an empty database")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of ours")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of the naive queries")
    parser.add_argument("--period", default="", help="as the pages take it (default: the last 12 months)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="of the 10,000 new rows")
    parser.add_argument(
        "--keep-rollups",
        action="store_true",
        help="keep the roll-ups of an earlier run (no first run over everything; the check still compares)",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (see bench/README.md)")
    os.environ["DJANGO_SETTINGS_MODULE"] = "veche.settings.dev"
    os.environ["DEBUG"] = "false"  # no query log, no debug pages: as in production
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["LOG_LEVEL"] = "WARNING"

    log("migrating")
    veche("migrate", "-v0")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import Resolver404, resolve
    from django.utils import timezone

    from veche.accounts.models import User
    from veche.analytics import selectors
    from veche.analytics.models import MonthlyFact, MonthlyParticipant, Watermark
    from veche.analytics.periods import parse_period
    from veche.municipalities.models import Municipality
    from veche.reports.models import Report

    seeded = None
    if not Report.objects.exists():
        log(f"seeding {args.reports:,} reports and {args.votes:,} votes (veche seed_activity)")
        seeded = veche("seed_activity", f"--reports={args.reports}", f"--votes={args.votes}", "--no-map")
    reports, events = Report.objects.count(), None
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_reportevent")
        events = cursor.fetchone()[0]
        cursor.execute(
            "SELECT (SELECT count(*) FROM polls_pollvote) + (SELECT count(*) FROM deliberation_vote) "
            "+ (SELECT count(*) FROM initiatives_initiativesupport) + (SELECT count(*) FROM budgeting_ballot)"
        )
        votes = cursor.fetchone()[0]
        if not args.keep_rollups:
            log("emptying the roll-ups")
            tables = [m._meta.db_table for m in (Watermark, MonthlyFact, MonthlyParticipant)]
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
    connection.close()
    first_rollup = None
    if not args.keep_rollups:
        log("veche analytics rollup (everything)")
        first_rollup = veche("analytics", "rollup")
    log(f"adding {NEW_REPORTS + NEW_VOTES:,} rows (veche seed_activity --force --months 1)")
    veche(
        "seed_activity",
        "--force",
        "--months=1",
        f"--reports={NEW_REPORTS}",
        f"--votes={NEW_VOTES}",
        f"--seed={args.seed}",
        "--no-map",
    )
    log("veche analytics rollup (the new rows)")
    second_rollup = veche("analytics", "rollup")

    period = parse_period(args.period, today=timezone.localdate())
    municipalities = list(Municipality.objects.filter(reports__isnull=False).distinct().order_by("pk"))
    naive = Naive(period, municipalities)
    client = Client()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()

    def page(path: str, fallback: Callable[[], Any]) -> tuple[str, Callable[[], Any]]:
        try:
            resolve(path)
        except Resolver404:
            return "selectors", fallback
        query = f"?period={args.period}" if args.period else ""
        if client.get(path + query).status_code != 200 and admin is not None:
            client.force_login(admin)

        def get() -> None:
            response = client.get(path + query)
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")

        return "page", get

    rows: list[Row] = []
    wrong: list[str] = []
    for m in municipalities:
        for name, path, fallback, compute, what in (
            (
                "dashboard",
                f"/analytics/{m.slug}/",
                lambda m=m: (selectors.indicators(m, period), selectors.repeat_participants(m, period)),
                lambda m=m: naive.dashboard([m.pk]),
                "dashboard",
            ),
            (
                "network",
                f"/analytics/{m.slug}/network/",
                lambda m=m: selectors.network(m, period),
                lambda m=m: naive.network([m.pk]),
                "network",
            ),
        ):
            how, ours = page(path, fallback)
            log(f"{m.slug} {name}: ours ({how})")
            ours()
            ours_times = timed(ours, args.repeat)
            log(f"{m.slug} {name}: naive")
            result: list[Figures] = []
            naive_times = timed(
                lambda compute=compute, result=result: result.append(compute()), args.naive_repeat
            )
            rows.append(Row(f"{name} {m.slug}", how, ours_times, naive_times))
            wrong += differences(m.slug, ours_figures(m, period), result[-1], m.pk, what)

    def comparison_selectors() -> None:
        for m in municipalities:
            selectors.indicators(m, period)

    how, ours = page("/analytics/", comparison_selectors)
    log(f"comparison: ours ({how})")
    ours()
    ours_times = timed(ours, args.repeat)
    log("comparison: naive")
    ids = [m.pk for m in municipalities]
    result = []
    naive_times = timed(lambda: result.append(naive.comparison(ids)), args.naive_repeat)
    rows.append(Row("comparison", how, ours_times, naive_times))
    for m in municipalities:
        wrong += differences(m.slug, ours_figures(m, period), result[-1], m.pk, "comparison")

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    load = os.getloadavg()
    print(
        f"\nPostgreSQL {version}, {reports:,} reports ({events:,} events), {votes:,} votes, "
        f"{len(municipalities)} municipalities, period {period.label}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, "
        f"Python {platform.python_version()}"
    )
    if seeded is not None:
        print(f"seeding (veche seed_activity): {seeded:.0f} s")
    everything = f"{first_rollup:.1f} s over everything; " if first_rollup is not None else ""
    print(
        f"veche analytics rollup: {everything}{second_rollup:.1f} s after "
        f"{NEW_REPORTS + NEW_VOTES:,} new reports and votes (whole processes)"
    )
    print(f"ours: {args.repeat} timed runs after one warm-up; naive: {args.naive_repeat} runs\n")
    print(table(rows))
    print(f"\nfigures compared (ours = naive) for {len(municipalities)} municipalities: ", end="")
    print("equal" if not wrong else f"{len(wrong)} differ")
    for line in wrong[:40]:
        print("  " + line)
    missed = [r.page for r in rows if not r.met]
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    sys.exit(1 if wrong or missed else 0)


if __name__ == "__main__":
    main()
