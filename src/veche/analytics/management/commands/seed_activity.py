"""`veche seed_activity --reports N --votes N`: years of activity in many municipalities, for benchmarks.

Fills the database with reports and their whole history (submitted, moderated, routed, sometimes
started, resolved or rejected, some disputed and answered again, confirmed or closed; answers
before or after `answer_due` in the share each city keeps) and with votes of four kinds: votes on
deliberation statements, poll votes (with their choice), initiative supports and participatory-budget
ballots (with their projects), on the polls, deliberations, initiatives, budgets and proposals made
for them, by generated residents, spread over `--months` months and `--municipalities` cities
(the demo's ten, loaded first if the database has none).

Rows are written in bulk, not through the services (a service call per row would take days): COPY
on PostgreSQL, executemany in large transactions on SQLite, with their ids given here so that no row
is read back. What the services would keep in step is kept: statuses follow from the events, counters
(`votes_count`, `endorsements_count`, `vote_serial`, ...) are the rows' counts, every unique
constraint holds, and the map's cells are recounted at the end (unless --no-map). Everything is one
transaction. On PostgreSQL as a superuser the foreign-key triggers are off for it (checked row by
row at commit they cost as much as the writing) and every key of the rows written is checked by
one anti-join per key before the commit instead. Nothing else may write to the database meanwhile
(ids are taken from the current maximum). Progress goes to stderr, the rows per table and the
seconds per phase to stdout.

It refuses (exit 2) a database that holds participation already: any report, poll, deliberation,
initiative, appeal or budgeting process, or an account other than those the demo's municipalities
come with. `--force` adds to it anyway (the benchmark uses that to add rows after a roll-up).
"""

import math
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from statistics import NormalDist
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from veche.accounts.models import User
from veche.appeals.models import Appeal
from veche.budgeting.models import Ballot, BallotChoice, Budget, Process, Proposal
from veche.core.calendar import add_working_days, is_working_day
from veche.deliberation.models import Deliberation, Participant, Statement, Vote
from veche.deliberation.services import text_key
from veche.initiatives.models import Initiative, InitiativeSupport
from veche.municipalities import demo
from veche.municipalities.models import CalendarDay, Membership, Municipality
from veche.municipalities.zones import local_day
from veche.polls.models import Poll, PollChoice, PollOption, PollVote
from veche.reports import mapcells
from veche.reports.lifecycle import CONFIRM_DAYS
from veche.reports.models import Report, ReportEvent

DAY = 86_400
HOUR = 3_600
# Shares of the votes by kind.
VOTE_SHARES = {"deliberation": 0.4, "poll": 0.3, "support": 0.2, "budget": 0.1}
STATEMENTS = 30  # per deliberation; a third written by residents
RESIDENT_STATEMENTS = 10
POLL_OPTIONS = 4
PROPOSALS = 12  # per budget
BALLOT_MAX = 5  # projects on one approval ballot
INITIATIVE_ANSWER_DAYS = 30  # working days (the policy's default)
SUPPORT_DAYS = 90
ROWS_PER_STATEMENT = 10_000  # SQLite: rows per executemany


@dataclass
class City:
    """What the generator needs of one municipality."""

    municipality: Municipality
    tz: ZoneInfo
    categories: list[tuple[int, int, int]]  # id, department id, answer days
    category_weights: np.ndarray
    districts: list[int]
    organiser: int
    official: int | None
    moderator: int | None
    holidays: set[date]
    extra_working: set[date]
    in_time: float  # the share of first answers given by the deadline
    users: range = range(0)

    def add_working_days(self, start: date, days: int) -> date:
        return _add_working_days(start, days, frozenset(self.holidays), frozenset(self.extra_working))

    def local_date(self, ts: int) -> date:
        return _local_date(ts // HOUR, self.tz)


@lru_cache(maxsize=200_000)
def _add_working_days(start: date, days: int, holidays: frozenset[date], extra: frozenset[date]) -> date:
    return add_working_days(start, days, partial(is_working_day, holidays=holidays, extra_working=extra))


@lru_cache(maxsize=500_000)
def _local_date(hour: int, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(hour * HOUR, tz).date()


@dataclass
class Plan:
    reports: int
    votes: dict[str, int]


@dataclass
class Ids:
    """The next free id of each table: rows are written with their ids, so none is read back."""

    next: dict[type[models.Model], int] = field(default_factory=dict)
    first: dict[type[models.Model], int] = field(default_factory=dict)

    def take(self, model: type[models.Model], count: int) -> int:
        if model not in self.next:
            self.next[model] = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
            self.first[model] = self.next[model]
        first = self.next[model]
        self.next[model] = first + count
        return first


class Writer:
    """Rows into a table in bulk: COPY on PostgreSQL, executemany on SQLite. Timestamps come as
    epoch seconds (numpy arrays or ints) and are written as the backend stores them."""

    def __init__(self, progress: Callable[[str], None]) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.counts: Counter[str] = Counter()
        self.progress = progress

    def stamps(self, seconds: Any) -> list[str]:
        """Epoch seconds as timestamp text: UTC with its offset for PostgreSQL, Django's naive UTC
        text for SQLite."""
        if not len(seconds):
            return []
        text = np.datetime_as_string(np.asarray(seconds, dtype="int64").astype("datetime64[s]"), unit="s")
        if self.postgres:
            return np.char.add(text, "+00:00").tolist()  # type: ignore[no-any-return]
        return np.char.replace(text, "T", " ").tolist()  # type: ignore[no-any-return]

    def stamp(self, seconds: int | None) -> str | None:
        return None if seconds is None else self.stamps([seconds])[0]

    def write(self, model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        meta = model._meta
        columns = [str(getattr(meta.get_field(name), "column", name)) for name in fields]
        # The database has no defaults of Django's: every NOT NULL column must be given.
        missing = [
            f.name
            for f in meta.concrete_fields
            if not f.null and f.name not in fields and f.attname not in fields
        ]
        if missing:
            raise ValueError(f"{meta.label}: no value for {', '.join(missing)}")
        written = 0
        with connection.cursor() as cursor:
            if self.postgres:
                quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
                statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({quoted}) FROM STDIN"
                with cursor.cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
                        written += 1
            else:
                marks = ", ".join(["%s"] * len(columns))
                quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
                # Names from the model's own meta, values as parameters.
                sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({quoted}) VALUES ({marks})"  # noqa: S608
                batch: list[Sequence[Any]] = []
                for row in rows:
                    batch.append([_sqlite_value(value) for value in row])
                    if len(batch) >= ROWS_PER_STATEMENT:
                        cursor.executemany(sql, batch)
                        written += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    written += len(batch)
        self.counts[meta.label] += written
        return written


def _sqlite_value(value: Any) -> Any:
    """Dates as Django writes them to SQLite (sqlite3's own adapters are deprecated)."""
    return value.isoformat() if isinstance(value, date) else value


def has_activity() -> list[str]:
    """What makes the database one not to seed without --force."""
    found = [
        model._meta.label
        for model in (Report, Poll, Deliberation, Initiative, Appeal, Process)
        if model._default_manager.exists()
    ]
    demo_accounts = {"admin", *(f"resident{i}" for i in range(1, 11))}
    demo_accounts |= {f"{c[0]}-{role}" for c in demo.CITIES for role in ("admin", "moderator", "official")}
    demo_accounts |= {f"{c[0]}-resident{i}" for c in demo.CITIES for i in range(1, 7)}
    if User.objects.exclude(username__in=demo_accounts).exists():
        found.append("accounts")
    return found


def spread(total: int, weights: np.ndarray, caps: Sequence[int]) -> list[int]:
    """`total` split in proportion to `weights`, none above its cap (what a cap refuses goes to the
    others); raises ValueError if the caps cannot hold it."""
    if total > sum(caps):
        raise ValueError(f"{total} rows do not fit in {sum(caps)} places")
    counts = [0] * len(caps)
    left = total
    open_ = [i for i in range(len(caps)) if caps[i] > 0]
    while left > 0:
        w = np.array([weights[i] for i in open_], dtype=float)
        share = np.floor(w / w.sum() * left).astype(int).tolist()
        if sum(share) == 0:
            share[int(np.argmax(w))] = left
        for i, extra in zip(open_, share, strict=True):
            add = min(extra, caps[i] - counts[i])
            counts[i] += add
            left -= add
        open_ = [i for i in open_ if counts[i] < caps[i]]
    return counts


class Command(BaseCommand):
    help = "Fill the database with reports and votes over months in many municipalities (benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reports", type=int, required=True)
        parser.add_argument("--votes", type=int, required=True)
        parser.add_argument("--municipalities", type=int, default=10)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--force", action="store_true", help="seed even a database with activity")
        parser.add_argument("--no-map", action="store_true", help="leave the map's cells uncounted")

    def handle(self, *args: Any, **options: Any) -> None:
        reports, votes, months = options["reports"], options["votes"], options["months"]
        if reports < 0 or votes < 0 or months < 1 or options["municipalities"] < 1:
            raise CommandError(
                "--reports and --votes must not be negative, --months and --municipalities positive"
            )
        if not options["force"] and (found := has_activity()):
            raise CommandError(
                f"the database already holds {', '.join(found)}: seeding is for an empty database "
                "(a fresh `veche migrate`); add --force to seed it all the same",
                returncode=2,
            )
        started = time.monotonic()
        self.rng = np.random.default_rng(options["seed"])
        self.writer = Writer(self._progress)
        self.timings: dict[str, float] = defaultdict(float)
        self.ids = Ids()
        self.now = int(timezone.now().timestamp())
        self.start = self.now - int(months * 30.44 * DAY)
        self.months = months
        cities = self._cities(options["municipalities"])
        weights = np.sqrt([c.municipality.population or 1_000_000 for c in cities])
        plans = [Plan(r, {}) for r in spread(reports, weights, [reports] * len(cities))]
        for kind, share in VOTE_SHARES.items():
            kind_total = (
                round(votes * share)
                if kind != "budget"
                else votes - sum(round(votes * s) for k, s in VOTE_SHARES.items() if k != "budget")
            )
            for plan, n in zip(plans, spread(kind_total, weights, [kind_total] * len(cities)), strict=True):
                plan.votes[kind] = n
        # All or nothing: one transaction.
        with transaction.atomic():
            checked_keys = self._unchecked_keys()
            for city, plan in zip(cities, plans, strict=True):
                self._progress(
                    f"{city.municipality.slug}: {plan.reports:,} reports, {sum(plan.votes.values()):,} votes"
                )
                self._timed("users", self._users, city, plan)
                self._timed("reports", self._reports, city, plan.reports)
                self._timed("deliberations", self._deliberations, city, plan.votes["deliberation"])
                self._timed("polls", self._polls, city, plan.votes["poll"])
                self._timed("initiatives", self._initiatives, city, plan.votes["support"])
                self._timed("budgets", self._budgets, city, plan.votes["budget"])
            if checked_keys:
                self._timed("foreign keys", self._check_keys)
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(self.ids.next)):
                    cursor.execute(sql)
        if not options["no_map"] and reports:
            for city in cities:
                self._progress(f"{city.municipality.slug}: counting the map's cells")
                self._timed("map cells", mapcells.rebuild, city.municipality, local_day(city.municipality))
        if connection.vendor == "postgresql":
            self._progress("ANALYZE")
            with connection.cursor() as cursor:
                self._timed("analyze", cursor.execute, "ANALYZE")
        sys.stderr.write("\n")
        seconds = time.monotonic() - started
        for label, count in sorted(self.writer.counts.items()):
            self.stdout.write(f"{label}: {count:,} rows")
        self.stdout.write("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.timings.items()))
        self.stdout.write(
            f"seeded {reports:,} reports and {votes:,} votes in {len(cities)} municipalities "
            f"over {months} months in {seconds:.0f} s ({connection.vendor})"
        )

    # Set-up -----------------------------------------------------------------------------------------

    def _unchecked_keys(self) -> bool:
        """On PostgreSQL, as a superuser, turn off the foreign-key triggers for this transaction:
        checked row by row at commit they took as long as writing the rows. `_check_keys` checks them
        all at once instead. Returns whether it did."""
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("SET LOCAL session_replication_role = replica")
        return True

    def _check_keys(self) -> None:
        """Every foreign key of the rows written points at a row (one anti-join per key), or the
        transaction is rolled back."""
        broken = []
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")
            for model, first in self.ids.first.items():
                if self.ids.next[model] == first:
                    continue
                table = connection.ops.quote_name(model._meta.db_table)
                for f in model._meta.concrete_fields:
                    if not f.is_relation:
                        continue
                    self._progress(f"checking {model._meta.label}.{f.name}")
                    target = f.related_model._meta  # type: ignore[union-attr]
                    column = connection.ops.quote_name(f.column)
                    cursor.execute(
                        f"SELECT count(*) FROM {table} c WHERE c.id >= %s AND c.{column} IS NOT NULL "  # noqa: S608
                        f"AND NOT EXISTS (SELECT 1 FROM {connection.ops.quote_name(target.db_table)} p "
                        f"WHERE p.{connection.ops.quote_name(target.pk.column)} = c.{column})",
                        [first],
                    )
                    if orphans := cursor.fetchone()[0]:
                        broken.append(f"{model._meta.label}.{f.name}: {orphans} rows point nowhere")
        if broken:
            raise CommandError("nothing written: " + "; ".join(broken))

    def _timed(self, phase: str, call: Callable[..., Any], *args: Any) -> None:
        begun = time.monotonic()
        call(*args)
        self.timings[phase] += time.monotonic() - begun

    def _progress(self, text: str) -> None:
        sys.stderr.write(f"\r\033[K{text}")
        sys.stderr.flush()

    def _cities(self, wanted: int) -> list[City]:
        active = Municipality.objects.filter(is_active=True).order_by("pk")
        if active.count() < wanted:
            demo.load(sys.stderr)
            sys.stderr.write("\n")
        organiser, _created = User.objects.get_or_create(
            username="seed-organiser", defaults={"password": "!", "display_name": "Организатор"}
        )
        cities = []
        for municipality in list(active)[:wanted]:
            categories = list(
                municipality.categories.filter(is_active=True).values_list(
                    "pk", "department_id", "answer_days"
                )
            )
            if not categories:
                raise CommandError(f"{municipality.slug} has no categories: reports need them")
            staff = dict(
                Membership.objects.filter(
                    municipality=municipality, role__in=["official", "moderator"]
                ).values_list("role", "user_id")
            )
            days = CalendarDay.objects.filter(municipality=municipality).values_list("date", "is_working")
            cities.append(
                City(
                    municipality=municipality,
                    tz=ZoneInfo(municipality.timezone),
                    categories=categories,
                    category_weights=self._weights(len(categories)),
                    districts=list(municipality.districts.order_by("pk").values_list("pk", flat=True)),
                    organiser=organiser.pk,
                    official=staff.get("official"),
                    moderator=staff.get("moderator"),
                    holidays={d for d, working in days if not working},
                    extra_working={d for d, working in days if working},
                    in_time=float(self.rng.uniform(0.55, 0.95)),
                )
            )
        return cities

    def _weights(self, n: int) -> np.ndarray:
        """Heavy-tailed popularity of n things, summing to 1."""
        w = self.rng.lognormal(0, 1, n)
        return w / w.sum()  # type: ignore[no-any-return]

    def _times(self, n: int, since: int, until: int, skew: float = 1.0) -> np.ndarray:
        """n sorted moments in [since, until]; skew > 1 puts more near `since`, < 1 near `until`."""
        until = max(until, since)
        return np.sort(since + (self.rng.random(n) ** skew * (until - since)).astype("int64"))

    def _slots(self, n: int) -> list[int]:
        """Starts of n evenly spread windows over the period."""
        span = self.now - self.start
        return [
            self.start + int(i * span / n) + int(self.rng.integers(0, max(1, span // (4 * n))))
            for i in range(n)
        ]

    def _users(self, city: City, plan: Plan) -> None:
        """The city's residents: enough that every vote fits its unique constraint."""
        polls, deliberations, initiatives, processes = self._counts()
        v = plan.votes
        needed = max(
            40,
            math.ceil(sum(v.values()) / 20),
            math.ceil(plan.reports / 3),
            math.ceil(1.3 * v["poll"] / polls),
            math.ceil(1.3 * v["budget"] / processes),
            math.ceil(1.3 * v["support"] / initiatives),
            math.ceil(v["deliberation"] / deliberations / STATEMENTS * 2),
        )
        first = self.ids.take(User, needed)
        city.users = range(first, first + needed)
        joined = self.writer.stamp(self.start - DAY)
        self.writer.write(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "display_name",
                "email_confirmed_at",
                "email_notifications",
                "language",
                "consent_version",
            ],
            (
                (i, "!", False, f"seed{i}", "", "", "", False, True, joined, "", joined, False, "ru", "")
                for i in city.users
            ),
        )

    def _counts(self) -> tuple[int, int, int, int]:
        """Polls, deliberations, initiatives and budgeting processes per city."""
        m = self.months
        return max(1, m // 2), max(1, m // 3), max(1, 2 * m), max(1, m // 6)

    def _pick_users(self, city: City, n: int) -> np.ndarray:
        """n distinct residents of the city."""
        return city.users.start + self.rng.choice(len(city.users), size=n, replace=False)

    # Reports ----------------------------------------------------------------------------------------

    def _reports(self, city: City, count: int) -> None:
        if not count:
            return
        m = city.municipality
        created = self._times(count, self.start, self.now, skew=0.8)
        first = self.ids.take(Report, count)
        cat_index = self.rng.choice(len(city.categories), size=count, p=city.category_weights)
        cat_index = cat_index.tolist()
        districts = self.rng.choice(city.districts, size=count).tolist() if city.districts else [None] * count
        authors = (self.rng.choice(len(city.users), size=count) + city.users.start).tolist()
        sources = self.rng.choice(["web", "web", "web", "api", "open311"], size=count).tolist()
        lat = (m.latitude + self.rng.normal(0, 0.05, count)).tolist()
        lon = (m.longitude + self.rng.normal(0, 0.08, count)).tolist()
        created = created.tolist()
        # How long the first answer takes, as a share of the time the deadline gave: lognormal, with
        # the city's share of answers in time below 1.
        sigma = 0.6
        mu = -sigma * NormalDist().inv_cdf(city.in_time)
        spans = self.rng.lognormal(mu, sigma, count)
        u = self.rng.random((count, 6))
        gaps = self.rng.integers(600, 5 * DAY, (count, 4))
        reports: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        event_id = [self.ids.take(ReportEvent, 0)]

        # Every step after routing names the report's department, as the services write it.
        def event(
            rid: int, kind: str, before: str, after: str, at: int, actor: int | None, dep: int | None
        ) -> None:
            events.append((event_id[0], rid, kind, actor, before, after, dep, "", at))
            event_id[0] += 1

        official, moderator = city.official, city.moderator
        for i in range(count):
            rid = first + i
            t0 = created[i]
            category, department, answer_days = city.categories[cat_index[i]]
            author = authors[i] if sources[i] != "open311" else None
            day0 = city.local_date(t0)
            answer_due = city.add_working_days(day0, answer_days)
            status, answered_at, answer, confirm_due, closed_at, dep = "submitted", None, "", None, None, None
            last = t0
            event(rid, "submitted", "", "submitted", t0, author, None)
            t = t0 + int(gaps[i, 0] // 4)
            if t < self.now:
                if u[i, 0] < 0.02:
                    event(rid, "declined", "submitted", "declined", t, moderator, None)
                    status, closed_at, last = "declined", t, t
                else:
                    event(rid, "moderated", "submitted", "moderated", t, moderator, None)
                    event(rid, "routed", "moderated", "routed", t + 1, None, department)
                    status, dep, last = "routed", department, t + 1
            if status == "routed":
                # The deadline ends with its day, local time.
                due_end = int(
                    datetime.combine(answer_due + timedelta(days=1), datetime.min.time(), city.tz).timestamp()
                )
                answer_t = t0 + max(HOUR, int((due_end - t0) * spans[i]))
                start_t = t0 + int((answer_t - t0) * u[i, 1])
                if u[i, 2] < 0.4 and start_t < self.now and start_t > last:
                    event(rid, "started", "routed", "in_progress", start_t, official, dep)
                    status, last = "in_progress", start_t
                rounds = 0
                while answer_t < self.now and rounds < 2:
                    rounds += 1
                    kind, to = ("resolved", "resolved") if u[i, 3] < 0.88 else ("rejected", "rejected")
                    event(rid, kind, status, to, answer_t, official, dep)
                    status, answered_at, last = to, answer_t, answer_t
                    answer = (
                        "Работы выполнены." if kind == "resolved" else "Не относится к ведению департамента."
                    )
                    confirm_due = city.local_date(answer_t) + timedelta(days=CONFIRM_DAYS)
                    after = answer_t + int(gaps[i, 1] * 2)
                    if rounds == 1 and u[i, 4] < 0.06 and after < self.now:
                        # Disputed: the report reopens with a new deadline and is answered again.
                        event(rid, "disputed", status, "in_progress", after, author, dep)
                        status, confirm_due, last = "in_progress", None, after
                        answer_due = city.add_working_days(city.local_date(after), answer_days)
                        answer_t = after + int(gaps[i, 2] * 2)
                        continue
                    if author is not None and u[i, 5] < 0.3 and after < self.now:
                        event(rid, "confirmed", status, "closed", after, author, dep)
                        status, closed_at, last = "closed", after, after
                    elif (close_t := answer_t + (CONFIRM_DAYS + 1) * DAY) < self.now:
                        event(rid, "closed", status, "closed", close_t, None, dep)
                        status, closed_at, last = "closed", close_t, close_t
                    break
            reports.append(
                (
                    rid,
                    m.pk,
                    category,
                    districts[i],
                    dep,
                    author,
                    sources[i],
                    status,
                    f"Проблема №{rid}",
                    "",
                    lat[i],
                    lon[i],
                    t0,
                    last,
                    day0 + timedelta(days=1),
                    answer_due,
                    answered_at,
                    answer,
                    confirm_due,
                    closed_at,
                    0,
                    "",
                    "",
                    "",
                    "",
                    "{}",
                    "",
                )
            )
            if len(reports) >= 50_000 or i == count - 1:
                self._flush_reports(reports, events)
                self._progress(f"{m.slug}: {i + 1:,}/{count:,} reports")
                reports, events = [], []
        self.ids.next[ReportEvent] = event_id[0]

    def _flush_reports(self, reports: list[tuple[Any, ...]], events: list[tuple[Any, ...]]) -> None:
        w = self.writer
        times = w.stamps([r[12] for r in reports] + [r[13] for r in reports])
        n = len(reports)
        stamps = {}
        for column in (16, 19):
            present = [r[column] for r in reports if r[column] is not None]
            stamps[column] = iter(w.stamps(present))
        rows = []
        for k, r in enumerate(reports):
            row = list(r)
            row[12], row[13] = times[k], times[n + k]
            for column in (16, 19):
                if row[column] is not None:
                    row[column] = next(stamps[column])
            rows.append(row)
        w.write(
            Report,
            [
                "id",
                "municipality",
                "category",
                "district",
                "department",
                "author",
                "source",
                "status",
                "description",
                "address",
                "latitude",
                "longitude",
                "created_at",
                "updated_at",
                "moderation_due",
                "answer_due",
                "answered_at",
                "answer",
                "confirm_due",
                "closed_at",
                "supporters_count",
                "reporter_name",
                "reporter_email",
                "reporter_phone",
                "device_id",
                "attributes",
                "hidden_reason",
            ],
            rows,
        )
        event_times = w.stamps([e[8] for e in events])
        w.write(
            ReportEvent,
            ["id", "report", "kind", "actor", "from_status", "to_status", "department", "note", "created_at"],
            ((*e[:8], event_times[k]) for k, e in enumerate(events)),
        )

    # Deliberations ----------------------------------------------------------------------------------

    def _deliberations(self, city: City, count: int) -> None:
        n = self._counts()[1]
        per = spread(count, self._weights(n), [len(city.users) * STATEMENTS] * n)
        w, m = self.writer, city.municipality
        first = self.ids.take(Deliberation, n)
        for k, (opens, votes) in enumerate(zip(self._slots(n), per, strict=True)):
            did = first + k
            closes = opens + 45 * DAY
            span = STATEMENTS
            people = min(len(city.users), max(RESIDENT_STATEMENTS, math.ceil(votes / (span * 0.4))))
            pairs = (
                self.rng.choice(people * span, size=votes, replace=False) if votes else np.zeros(0, "int64")
            )
            who, what = pairs // span, pairs % span
            used, who = np.unique(who, return_inverse=True)
            users = self._pick_users(city, max(len(used), RESIDENT_STATEMENTS))
            p_count = max(len(used), RESIDENT_STATEMENTS)
            joined = self._times(p_count, opens + HOUR, min(closes, self.now) - HOUR, skew=1.5)
            p_first = self.ids.take(Participant, p_count)
            w.write(
                Deliberation,
                [
                    "id",
                    "municipality",
                    "title",
                    "description",
                    "tier",
                    "opens_at",
                    "closes_at",
                    "statement_max_length",
                    "residents_add_statements",
                    "created_by",
                    "created_at",
                    "published_at",
                    "last_participant",
                    "last_statement",
                    "vote_serial",
                ],
                [
                    (
                        did,
                        m.pk,
                        f"Обсуждение №{did}",
                        "",
                        1,
                        w.stamp(opens),
                        w.stamp(closes),
                        280,
                        True,
                        city.organiser,
                        w.stamp(opens - DAY),
                        w.stamp(opens - DAY),
                        p_count,
                        span,
                        votes,
                    )
                ],
            )
            join_text = w.stamps(joined)
            w.write(
                Participant,
                ["id", "deliberation", "number", "user", "created_at"],
                ((p_first + j, did, j + 1, int(users[j]), join_text[j]) for j in range(p_count)),
            )
            s_first = self.ids.take(Statement, span)
            # The first participants write the residents' statements as they join; the rest are seeds.
            s_created = np.array(
                [opens] * (span - RESIDENT_STATEMENTS) + [int(joined[j]) for j in range(RESIDENT_STATEMENTS)]
            )
            rows = []
            for s in range(span):
                text = f"Предложение {s + 1} обсуждения {did}"
                resident = s >= span - RESIDENT_STATEMENTS
                j = s - (span - RESIDENT_STATEMENTS)
                rows.append(
                    (
                        s_first + s,
                        m.pk,
                        did,
                        s + 1,
                        text,
                        text_key(text),
                        int(users[j]) if resident else city.organiser,
                        p_first + j if resident else None,
                        "accepted",
                        not resident,
                        city.moderator if resident else None,
                        w.stamp(int(s_created[s]) + 600) if resident else None,
                        "",
                        w.stamp(int(s_created[s])),
                        "",
                    )
                )
            w.write(
                Statement,
                [
                    "id",
                    "municipality",
                    "deliberation",
                    "number",
                    "text",
                    "text_key",
                    "author",
                    "participant",
                    "status",
                    "is_seed",
                    "moderated_by",
                    "moderated_at",
                    "moderation_reason",
                    "created_at",
                    "hidden_reason",
                ],
                rows,
            )
            # A participant answers in one sitting, a statement every 20 s, never before it was written.
            at = np.maximum(joined[who] + what * 20, s_created[what] + 660)
            at = np.minimum(at, min(closes, self.now))
            at_text = w.stamps(at)
            v_first = self.ids.take(Vote, votes)
            values = (self.rng.integers(-1, 2, votes)).tolist()
            who_l, what_l = who.tolist(), what.tolist()
            w.write(
                Vote,
                ["id", "deliberation", "participant", "statement", "value", "created_at", "updated_at"],
                (
                    (
                        v_first + j,
                        did,
                        p_first + who_l[j],
                        s_first + what_l[j],
                        values[j],
                        at_text[j],
                        at_text[j],
                    )
                    for j in range(votes)
                ),
            )
            self._progress(f"{m.slug}: deliberation {k + 1}/{n}, {votes:,} votes")

    # Polls ------------------------------------------------------------------------------------------

    def _polls(self, city: City, count: int) -> None:
        n = self._counts()[0]
        per = spread(count, self._weights(n), [len(city.users)] * n)
        w, m = self.writer, city.municipality
        first = self.ids.take(Poll, n)
        for k, (opens, votes) in enumerate(zip(self._slots(n), per, strict=True)):
            pid = first + k
            closes = opens + 21 * DAY
            ended = closes <= self.now
            w.write(
                Poll,
                [
                    "id",
                    "municipality",
                    "title",
                    "description",
                    "kind",
                    "min_choices",
                    "max_choices",
                    "tier",
                    "opens_at",
                    "closes_at",
                    "live_results",
                    "votes_count",
                    "created_by",
                    "created_at",
                    "published_at",
                    "published_by",
                    "opened_notified_at",
                    "closed_notified_at",
                ],
                [
                    (
                        pid,
                        m.pk,
                        f"Опрос №{pid}",
                        "",
                        "single",
                        1,
                        1,
                        1,
                        w.stamp(opens),
                        w.stamp(closes),
                        False,
                        votes,
                        city.organiser,
                        w.stamp(opens - 3 * DAY),
                        w.stamp(opens - DAY),
                        city.organiser,
                        w.stamp(opens),
                        w.stamp(closes) if ended else None,
                    )
                ],
            )
            o_first = self.ids.take(PollOption, POLL_OPTIONS)
            w.write(
                PollOption,
                ["id", "poll", "position", "text"],
                [(o_first + o, pid, o + 1, f"Вариант {o + 1}") for o in range(POLL_OPTIONS)],
            )
            users = self._pick_users(city, votes).tolist()
            at = w.stamps(self._times(votes, opens, min(closes, self.now), skew=2.0))
            v_first = self.ids.take(PollVote, votes)
            w.write(
                PollVote,
                ["id", "poll", "user", "tier", "district", "receipt", "created_at"],
                ((v_first + j, pid, users[j], 1, None, "", at[j]) for j in range(votes)),
            )
            options = (
                o_first + self.rng.choice(POLL_OPTIONS, size=votes, p=self._weights(POLL_OPTIONS))
            ).tolist()
            c_first = self.ids.take(PollChoice, votes)
            w.write(
                PollChoice,
                ["id", "vote", "option", "rank"],
                ((c_first + j, v_first + j, options[j], 1) for j in range(votes)),
            )
            self._progress(f"{m.slug}: poll {k + 1}/{n}, {votes:,} votes")

    # Initiatives ------------------------------------------------------------------------------------

    def _initiatives(self, city: City, count: int) -> None:
        n = self._counts()[2]
        per = spread(count, self._weights(n), [len(city.users)] * n)
        # About two in five reach the threshold.
        threshold = max(1, int(np.percentile(per, 60)))
        w, m = self.writer, city.municipality
        first = self.ids.take(Initiative, n)
        authors = self._pick_users(city, n).tolist() if n <= len(city.users) else [city.users.start] * n
        published = self._times(n, self.start, self.now - DAY)
        rows, supports = [], []
        for k in range(n):
            iid, t0, supporters = first + k, int(published[k]), per[k]
            ends = t0 + SUPPORT_DAYS * DAY
            at = self._times(supporters, t0, min(ends, self.now), skew=2.5)
            reached = int(at[threshold - 1]) if supporters >= threshold else None
            status, answer_due, answered, archived, answer = "published", None, None, None, ""
            if reached is not None:
                status = "threshold_reached"
                answer_due = city.add_working_days(city.local_date(reached), INITIATIVE_ANSWER_DAYS)
                answered_t = reached + int(self.rng.integers(5, 50)) * DAY
                if answered_t < self.now:
                    status, answered, answer = "rejected", answered_t, "Рассмотрено; средств в бюджете нет."
            elif ends < self.now:
                status, archived = "archived", ends
            rows.append(
                (
                    iid,
                    m.pk,
                    authors[k],
                    f"Инициатива №{iid}",
                    "Текст инициативы.",
                    status,
                    w.stamp(t0 - DAY),
                    threshold,
                    supporters,
                    w.stamp(reached),
                    answer_due,
                    answer,
                    w.stamp(answered),
                    city.official if answered else None,
                    None,
                    w.stamp(t0),
                    w.stamp(ends),
                    w.stamp(archived),
                    "",
                )
            )
            supports.append((iid, at))
        w.write(
            Initiative,
            [
                "id",
                "municipality",
                "author",
                "title",
                "body",
                "status",
                "created_at",
                "threshold",
                "endorsements_count",
                "threshold_reached_at",
                "answer_due",
                "answer",
                "answered_at",
                "answered_by",
                "district",
                "published_at",
                "support_ends_at",
                "archived_at",
                "hidden_reason",
            ],
            rows,
        )
        s_first = self.ids.take(InitiativeSupport, count)
        for iid, at in supports:
            users = self._pick_users(city, len(at)).tolist()
            text = w.stamps(at)
            w.write(
                InitiativeSupport,
                ["id", "petition", "user", "tier", "district", "receipt", "created_at"],
                ((s_first + j, iid, users[j], 1, None, "", text[j]) for j in range(len(at))),
            )
            s_first += len(at)
        self._progress(f"{m.slug}: {n} initiatives, {count:,} supports")

    # Participatory budgets --------------------------------------------------------------------------

    def _budgets(self, city: City, count: int) -> None:
        n = self._counts()[3]
        per = spread(count, self._weights(n), [len(city.users)] * n)
        w, m = self.writer, city.municipality
        span = (self.now - self.start) // n
        first, b_first = self.ids.take(Process, n), self.ids.take(Budget, n)
        for k, ballots in enumerate(per):
            pid, bid = first + k, b_first + k
            t0 = self.start + k * span
            p_open, p_close = t0, t0 + int(span * 0.4)
            v_open, v_close = t0 + int(span * 0.5), t0 + int(span * 0.9)
            changed = {"proposals": p_open, "review": p_close, "voting": v_open, "counting": v_close}
            phase = (
                "proposals"
                if self.now < p_close
                else "review"
                if self.now < v_open
                else "voting"
                if self.now < v_close
                else "counting"
            )
            w.write(
                Process,
                [
                    "id",
                    "municipality",
                    "title",
                    "description",
                    "phase",
                    "ballot_kind",
                    "min_projects",
                    "max_projects",
                    "rule",
                    "utilities",
                    "tie_breaking",
                    "tier",
                    "created_by",
                    "created_at",
                    "phase_changed_at",
                    "proposals_opens_at",
                    "proposals_closes_at",
                    "voting_opens_at",
                    "voting_closes_at",
                    "source_sha256",
                ],
                [
                    (
                        pid,
                        m.pk,
                        f"Бюджет №{pid}",
                        "",
                        phase,
                        "approval",
                        1,
                        BALLOT_MAX,
                        "mes-add1",
                        "cost",
                        "lexicographic",
                        1,
                        city.organiser,
                        w.stamp(t0 - DAY),
                        w.stamp(changed[phase]),
                        w.stamp(p_open),
                        w.stamp(p_close),
                        w.stamp(v_open),
                        w.stamp(v_close),
                        "",
                    )
                ],
            )
            w.write(Budget, ["id", "process", "district", "amount"], [(bid, pid, None, 100_000_000)])
            proposal_first = self.ids.take(Proposal, PROPOSALS)
            authors = self._pick_users(city, min(PROPOSALS, len(city.users))).tolist()
            made = self._times(PROPOSALS, p_open, min(p_close, self.now))
            costs = (self.rng.integers(5, 40, PROPOSALS) * 1_000_000).tolist()
            reviewed = True  # the last process's voting opens half-way through its slot, before now
            w.write(
                Proposal,
                [
                    "id",
                    "process",
                    "budget",
                    "author",
                    "code",
                    "title",
                    "description",
                    "estimated_cost",
                    "status",
                    "reviewed_cost",
                    "review_reasons",
                    "reviewed_by",
                    "reviewed_at",
                    "created_at",
                ],
                [
                    (
                        proposal_first + j,
                        pid,
                        bid,
                        authors[j % len(authors)],
                        "",
                        f"Проект {j + 1}",
                        "",
                        costs[j],
                        "feasible" if reviewed else "submitted",
                        costs[j] if reviewed else None,
                        "",
                        city.official if reviewed else None,
                        w.stamp(v_open) if reviewed else None,
                        w.stamp(int(made[j])),
                    )
                    for j in range(PROPOSALS)
                ],
            )
            users = self._pick_users(city, ballots).tolist()
            at = w.stamps(self._times(ballots, v_open, min(v_close, self.now), skew=1.5))
            ballot_first = self.ids.take(Ballot, ballots)
            w.write(
                Ballot,
                [
                    "id",
                    "process",
                    "budget",
                    "user",
                    "tier",
                    "district",
                    "source",
                    "voter_ref",
                    "batch",
                    "created_at",
                    "receipt",
                ],
                (
                    (ballot_first + j, pid, bid, users[j], 1, None, "web", "", None, at[j], "")
                    for j in range(ballots)
                ),
            )
            # Each ballot approves 1 to BALLOT_MAX different projects, the popular ones more often.
            popularity = self._weights(PROPOSALS)
            order = np.argsort(
                -(self.rng.random((ballots, PROPOSALS)) ** (1 / (popularity * PROPOSALS))), axis=1
            )
            sizes = self.rng.integers(1, BALLOT_MAX + 1, ballots)
            choices = [
                (ballot_first + j, proposal_first + int(order[j, c]))
                for c in range(BALLOT_MAX)
                for j in np.nonzero(sizes > c)[0].tolist()
            ]
            c_first = self.ids.take(BallotChoice, len(choices))
            w.write(
                BallotChoice,
                ["id", "ballot", "proposal", "points"],
                ((c_first + j, b, p, 1) for j, (b, p) in enumerate(choices)),
            )
            self._progress(f"{m.slug}: budget {k + 1}/{n}, {ballots:,} ballots")
