"""HTTP throughput of the poll list and the vote under a mixed load: Veche against a straightforward
implementation and a trivial JSON view (the ceiling), served by the same gunicorn processes from the
same database in the same run.

    .venv/bin/python bench/throughput.py --db sqlite|postgres|both [--scale 1.0] [--duration 20]
        [--rounds 2] [--concurrency 16] [--workers 2] [--redis URL] [--reseed]

The database (a SQLite file under /tmp, one per scale, or the PostgreSQL database that $PG names,
dropped and created again) is migrated and seeded once per scale, then kept for later runs
(--reseed seeds it again). At --scale 1: 100,000 users (unusable passwords; the first 500 with API
tokens, derived from their number so any run can use them), one municipality with 2,000 open
single-choice polls of three options, and 1,000,000 votes (each with its choice), the polls'
popularity skewed (Zipf-like) and the token users among the keenest voters (each in about 5 % of
the polls); every poll's `votes_count` is its number of votes, as `polls.services.poll_vote` keeps
it. The seeded votes have no ledger entries (neither endpoint reads the ledger; new votes start
their poll's chain).

Then gunicorn (`--workers` sync workers, settings `bench/peers/throughput_settings.py`, and Redis at
`--redis` for the cache, rate limits and Celery's broker, as production runs) serves:

- veche: GET /api/municipalities/<slug>/polls?limit=20&offset=.. (the polls with their counts and
  the caller's vote) and POST /api/polls/<id>/votes;
- straightforward: the same two under /api/_bench/straight/ (bench/peers/throughput_urls.py says how
  they are written: a COUNT(*) and a vote lookup per poll; a lock, an insert and a count per vote);
- ceiling: a constant JSON answer under /api/_bench/ceiling/ for both.

Each request carries a token user's bearer token. A load process (gevent + geventhttpclient, so the
load generator stays light) keeps --concurrency requests in flight for --duration seconds: 90 %
list reads of a random page of 20, 10 % votes by a random token user in a poll they have not voted
in. The targets run interleaved, --rounds times each (their order rotating), and each line is the
median over the rounds. Before the load, one page is checked to be the same from veche and
straightforward; after it, every poll's `votes_count` is checked against its rows.

The table gives requests/s, p50/p95/p99 in ms and the errors (non-2xx answers or failed
connections); then the ratios against the targets of issue 15: veche / straightforward throughput
>= 5, straightforward p99 / veche p99 >= 5 and veche / ceiling throughput >= 0.4. The machine may be
shared: only the ratios of one run mean much. Timing assertions do not belong in the test suite;
this script is where the numbers come from.
"""

# The SQL is put together from the models' own table and column names; values go as parameters.
# The processes run are gunicorn and this script itself.
# ruff: noqa: S603, S608
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / "bench" / "peers"
# The Veche the web processes run: this tree's, or another checkout's (VECHE_SRC), to measure before/after.
SOURCE = Path(os.environ.get("VECHE_SRC", ROOT / "src"))
SQLITE_DIR = Path("/tmp")  # noqa: S108 - throw-away benchmark databases
SLUG = "bench"
USERS = 100_000
POLLS = 2_000
VOTES = 1_000_000
TOKEN_USERS = 500
OPTIONS = 3
PAGE = 20
READ_SHARE = 0.9
TOKEN_VOTE_SHARE = 0.05  # of the polls each token user has voted in, at seeding
TARGETS = ("veche", "straightforward", "ceiling")
TARGET_THROUGHPUT = 5.0
TARGET_P99 = 5.0
TARGET_CEILING = 0.4


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def token_of(number: int) -> str:
    """The API token of token user `number` (0-based): derived, so every run knows it."""
    return f"bench{number:04d}.{hashlib.sha256(f'veche-bench-{number}'.encode()).hexdigest()[:40]}"


# --- the database -------------------------------------------------------------------------------


def database_url(db: str, scale: float) -> str:
    if db == "sqlite":
        return f"sqlite:///{SQLITE_DIR / f'veche-bench-throughput-{scale:g}.sqlite3'}"
    url = os.environ.get("PG")
    if not url:
        sys.exit("Set $PG to a PostgreSQL URL of a database this benchmark may drop and create.")
    return url


def prepare_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "veche.settings.dev"
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def recreate_database(db: str, url: str) -> None:
    if db == "sqlite":
        path = Path(urlsplit(url).path)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def seeded(scale: float) -> bool:
    from django.db import OperationalError, connection

    from veche.polls.models import PollVote

    try:
        tables = connection.introspection.table_names()
    except OperationalError:  # no such database yet
        connection.close()
        return False
    if "polls_pollvote" not in tables:
        return False
    return PollVote.objects.count() >= int(VOTES * scale) and User_count() >= int(USERS * scale)


def User_count() -> int:
    from veche.accounts.models import User

    return User.objects.count()


def insert_rows(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert `rows` fast: COPY on PostgreSQL, executemany in batches on SQLite."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])


def column(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).column)


def reset_sequences(models: list[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def seed(scale: float) -> dict[str, float]:
    """Users, tokens, polls, options, votes and choices; returns seconds per part."""
    from django.db import connection, transaction
    from django.utils import timezone

    from veche.accounts.models import ApiToken, User
    from veche.accounts.tokens import hash_token
    from veche.municipalities.models import Municipality
    from veche.polls.models import Poll, PollChoice, PollOption, PollTier, PollVote

    rng = random.Random(15)
    users, polls, votes = int(USERS * scale), max(int(POLLS * scale), PAGE * 5), int(VOTES * scale)
    tokens = min(TOKEN_USERS, users)
    now = timezone.now()
    timings: dict[str, float] = {}

    def part(name: str, started: float) -> None:
        timings[name] = time.perf_counter() - started
        log(f"  {name}: {timings[name]:.1f} s")

    with transaction.atomic():
        started = time.perf_counter()
        municipality = Municipality.objects.create(name="Bench", slug=SLUG, timezone="Europe/Moscow")
        u = User._meta
        columns = [
            column(User, f)
            for f in (
                "id",
                "username",
                "password",
                "email",
                "first_name",
                "last_name",
                "is_staff",
                "is_active",
                "is_superuser",
                "date_joined",
                "display_name",
                "email_confirmed_at",
                "email_notifications",
                "language",
                "consent_version",
            )
        ]
        insert_rows(
            u.db_table,
            columns,
            [
                (i, f"user{i}", "!bench", "", "", "", False, True, False, now, "", now, False, "ru", "")
                for i in range(1, users + 1)
            ],
        )
        reset_sequences([User])
        t = ApiToken._meta
        insert_rows(
            t.db_table,
            ["user_id", "name", "prefix", "key_hash", "created_at"],
            [
                (n + 1, "bench", token_of(n).split(".")[0][:12], hash_token(token_of(n)), now)
                for n in range(tokens)
            ],
        )
        part("users and tokens", started)

        started = time.perf_counter()
        p = Poll._meta
        columns = [
            column(Poll, f)
            for f in (
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
            )
        ]
        # Zipf-like popularity over a shuffled order: popular polls are old and new alike.
        weights = [1 / (rank + 20) ** 0.9 for rank in range(polls)]
        rng.shuffle(weights)
        total = sum(weights)
        counts = [min(users, round(votes * w / total)) for w in weights]
        counts[0] += votes - sum(counts)
        poll_rows = []
        for i in range(polls):
            opens = now - timedelta(days=1, minutes=i)
            poll_rows.append(
                (
                    i + 1,
                    municipality.pk,
                    f"Poll {i + 1}: which option should the city take?",
                    f"Poll **{i + 1}** asks residents to choose one of {OPTIONS} options.",
                    "single",
                    1,
                    1,
                    PollTier.REGISTERED.value,
                    opens,
                    now + timedelta(days=365),
                    True,
                    counts[i],
                    1,
                    opens,
                    opens,
                )
            )
        insert_rows(p.db_table, columns, poll_rows)
        o = PollOption._meta
        insert_rows(
            o.db_table,
            ["id", "poll_id", "position", "text"],
            [
                (i * OPTIONS + k + 1, i + 1, k + 1, f"Option {k + 1}")
                for i in range(polls)
                for k in range(OPTIONS)
            ],
        )
        reset_sequences([Poll, PollOption])
        part("polls and options", started)

        started = time.perf_counter()
        vote_rows: list[tuple[Any, ...]] = []
        choice_rows: list[tuple[Any, ...]] = []
        token_polls = max(1, int(polls * TOKEN_VOTE_SHARE))
        keen = {n + 1: set(rng.sample(range(polls), token_polls)) for n in range(tokens)}
        voters_of: list[list[int]] = [[] for _ in range(polls)]
        for user_id, chosen in keen.items():
            for i in chosen:
                voters_of[i].append(user_id)
        for i in range(polls):
            # The rest of the poll's voters from the users without tokens.
            need = counts[i] - len(voters_of[i])
            if need < 0:
                voters_of[i] = voters_of[i][: counts[i]]
            else:
                voters_of[i].extend(rng.sample(range(tokens + 1, users + 1), min(need, users - tokens)))
            counts[i] = len(voters_of[i])
        vote_id = 0
        for i in range(polls):
            for user_id in voters_of[i]:
                vote_id += 1
                vote_rows.append((vote_id, i + 1, user_id, PollTier.REGISTERED.value, "", now))
                choice_rows.append((vote_id, vote_id, i * OPTIONS + rng.randrange(OPTIONS) + 1, 1))
        log(f"  {len(vote_rows):,} votes generated; inserting")
        v = PollVote._meta
        insert_rows(v.db_table, ["id", "poll_id", "user_id", "tier", "receipt", "created_at"], vote_rows)
        log("  votes inserted; inserting their choices")
        c = PollChoice._meta
        insert_rows(c.db_table, ["id", "vote_id", "option_id", "rank"], choice_rows)
        reset_sequences([PollVote, PollChoice])
        # The counters as the votes left them (the Zipf counts were capped and topped up above).
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {p.db_table} SET votes_count = (SELECT COUNT(*) FROM {v.db_table} "
                f"WHERE {v.db_table}.poll_id = {p.db_table}.id)"
            )
        part("votes and choices", started)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    part("ANALYZE", started)
    return timings


def counters_consistent() -> int:
    """The number of polls whose stored count differs from their votes."""
    from django.db.models import Count, F

    from veche.polls.models import Poll

    return Poll.objects.annotate(n=Count("votes")).exclude(votes_count=F("n")).count()


def load_plan(scale: float) -> dict[str, Any]:
    """What the load process needs: the polls with an option each, and the token users' votes."""
    from veche.polls.models import Poll, PollOption, PollVote

    tokens = min(TOKEN_USERS, int(USERS * scale))
    option = dict(PollOption.objects.filter(position=1).values_list("poll_id", "id"))
    polls = list(Poll.objects.filter(published_at__isnull=False).values_list("id", flat=True))
    voted: dict[int, list[int]] = {}
    for user_id, poll_id in PollVote.objects.filter(user_id__lte=tokens).values_list("user_id", "poll_id"):
        voted.setdefault(user_id - 1, []).append(poll_id)
    return {
        "tokens": [token_of(n) for n in range(tokens)],
        "polls": [[pk, option[pk]] for pk in polls],
        "voted": voted,
        "pages": max(1, len(polls) // PAGE),
    }


# --- the web processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(url: str, port: int, workers: int, redis: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "throughput_settings",
            "PYTHONPATH": os.pathsep.join([str(PEERS), str(SOURCE), env.get("PYTHONPATH", "")]),
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CONN_MAX_AGE": "600",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
        }
    )
    env.pop("REDIS_URL", None)
    if redis:
        # As production runs: cache, sessions, rate limits and the Celery broker in Redis (its
        # database emptied first; the queued tasks, if any, wait there unconsumed).
        import redis as redis_client

        redis_client.Redis.from_url(redis).flushdb()
        env["REDIS_URL"] = redis
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "veche.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        env=env,
        cwd=str(ROOT),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                sys.exit("gunicorn did not start")
            time.sleep(0.3)
    process.kill()
    sys.exit("gunicorn did not start in 60 s")


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def paths(target: str) -> tuple[str, str]:
    """The list URL (without its query) and the vote URL (with {poll}) of `target`."""
    prefix = {
        "veche": "/api/v1",
        "straightforward": "/api/_bench/straight",
        "ceiling": "/api/_bench/ceiling",
    }[target]
    return f"{prefix}/municipalities/{SLUG}/polls", prefix + "/polls/{poll}/votes"


def same_page(port: int, plan: dict[str, Any]) -> list[str]:
    """Differences between veche's and straightforward's answers for a few pages and callers."""
    import urllib.request

    problems = []
    for offset, caller in ((0, 0), (PAGE * 3, 1), (PAGE * (plan["pages"] - 1), 2)):
        answers = []
        for target in ("veche", "straightforward"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{paths(target)[0]}?limit={PAGE}&offset={offset}",
                headers={"Authorization": f"Bearer {plan['tokens'][caller]}"},
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our own http URL
                answers.append(json.loads(response.read()))
        ours, theirs = answers
        if ours["count"] != theirs["count"] or ours["items"] != theirs["items"]:
            problems.append(f"offset {offset}: veche and straightforward differ")
    return problems


def run_load(
    port: int, target: str, plan: dict[str, Any], args: argparse.Namespace, seed: int
) -> dict[str, Any]:
    config = {
        "port": port,
        "paths": paths(target),
        "duration": args.duration,
        "concurrency": args.concurrency,
        "seed": seed,
        **plan,
    }
    started = time.process_time()
    result = subprocess.run(
        [sys.executable, __file__, "--load-process"],
        input=json.dumps(config).encode(),
        capture_output=True,
        check=True,
        timeout=args.duration + 300,
    )
    del started
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def load_process() -> None:
    """The load generator (run as its own process): reads its plan on stdin, prints its figures."""
    import gevent
    from geventhttpclient import HTTPClient

    config = json.load(sys.stdin)
    rng = random.Random(config["seed"])
    tokens, polls = config["tokens"], config["polls"]
    voted = {int(k): set(v) for k, v in config["voted"].items()}
    list_path, vote_path = config["paths"]
    client = HTTPClient(
        "127.0.0.1",
        config["port"],
        concurrency=config["concurrency"],
        network_timeout=120,
        connection_timeout=30,
    )
    latencies: dict[str, list[float]] = {"read": [], "write": []}
    errors: dict[str, int] = {}
    deadline = time.monotonic() + config["duration"]
    cpu = time.process_time()

    def one() -> None:
        while time.monotonic() < deadline:
            user = rng.randrange(len(tokens))
            headers = {"Authorization": f"Bearer {tokens[user]}"}
            if rng.random() < READ_SHARE:
                kind = "read"
                offset = rng.randrange(config["pages"]) * PAGE
                url, body = f"{list_path}?limit={PAGE}&offset={offset}", None
            else:
                kind = "write"
                mine = voted.setdefault(user, set())
                while True:
                    poll, option = polls[rng.randrange(len(polls))]
                    if poll not in mine:
                        break
                mine.add(poll)
                body = json.dumps({"options": [option]})
                headers["Content-Type"] = "application/json"
                url = vote_path.format(poll=poll)
            started = time.perf_counter()
            status: int | str
            try:
                if body is None:
                    response = client.get(url, headers=headers)
                else:
                    response = client.post(url, body=body, headers=headers)
                response.read()
                status = response.status_code
            except Exception as error:  # a failed request is counted, not raised
                status = type(error).__name__
            elapsed = (time.perf_counter() - started) * 1000
            if isinstance(status, int) and status < 400:
                latencies[kind].append(elapsed)
            else:
                errors[f"{kind} {status}"] = errors.get(f"{kind} {status}", 0) + 1
                latencies[kind].append(elapsed)

    began = time.monotonic()
    gevent.joinall([gevent.spawn(one) for _ in range(config["concurrency"])])
    wall = time.monotonic() - began
    json.dump(
        {"latencies": latencies, "errors": errors, "seconds": wall, "cpu": time.process_time() - cpu},
        sys.stdout,
    )


# --- figures ------------------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def figures(run: dict[str, Any]) -> dict[str, float]:
    every = run["latencies"]["read"] + run["latencies"]["write"]
    return {
        "rps": len(every) / run["seconds"],
        "p50": percentile(every, 0.50),
        "p95": percentile(every, 0.95),
        "p99": percentile(every, 0.99),
        "read_p99": percentile(run["latencies"]["read"], 0.99),
        "write_p99": percentile(run["latencies"]["write"], 0.99),
        "errors": float(sum(run["errors"].values())),
        "requests": float(len(every)),
        "load_cpu": run["cpu"] / run["seconds"],
    }


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def report(db: str, results: dict[str, list[dict[str, float]]], args: argparse.Namespace) -> dict[str, float]:
    print(
        f"\n### {db}: {args.rounds} rounds of {args.duration:g} s per target, "
        f"{args.concurrency} in flight, {args.workers} gunicorn workers (medians)\n"
    )
    print(
        "| target | req/s | p50 ms | p95 ms | p99 ms | read p99 | vote p99 | errors | requests | each run |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    medians = {}
    for target in TARGETS:
        m = medians[target] = median_of(results[target])
        each = " / ".join(f"{run['rps']:.0f}" for run in results[target])
        print(
            f"| {target} | {m['rps']:.1f} | {m['p50']:.1f} | {m['p95']:.1f} | {m['p99']:.1f} | "
            f"{m['read_p99']:.1f} | {m['write_p99']:.1f} | {m['errors']:.0f} | {m['requests']:.0f} | {each} |"
        )
    v, s, c = medians["veche"], medians["straightforward"], medians["ceiling"]
    ratios = {
        "throughput": v["rps"] / s["rps"],
        "p99": s["p99"] / v["p99"],
        "ceiling": v["rps"] / c["rps"],
    }
    print()
    print("| ratio | measured | target | met |")
    print("| --- | ---: | ---: | --- |")
    print(
        f"| veche / straightforward req/s | {ratios['throughput']:.2f}x | >= {TARGET_THROUGHPUT:g}x | "
        f"{'yes' if ratios['throughput'] >= TARGET_THROUGHPUT else 'no'} |"
    )
    print(
        f"| straightforward p99 / veche p99 | {ratios['p99']:.2f}x | >= {TARGET_P99:g}x | "
        f"{'yes' if ratios['p99'] >= TARGET_P99 else 'no'} |"
    )
    print(
        f"| veche / ceiling req/s | {ratios['ceiling']:.0%} | >= {TARGET_CEILING:.0%} | "
        f"{'yes' if ratios['ceiling'] >= TARGET_CEILING else 'no'} |"
    )
    sys.stdout.flush()
    return ratios


def bench_db(db: str, args: argparse.Namespace) -> bool:
    url = database_url(db, args.scale)
    prepare_django(url)
    from django.core.management import call_command
    from django.db import connection

    if args.reseed or not seeded(args.scale):
        log(f"{db}: creating the database")
        connection.close()
        recreate_database(db, url)
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        log(f"{db}: migrated in {time.perf_counter() - started:.1f} s; seeding at scale {args.scale:g}")
        started = time.perf_counter()
        seed(args.scale)
        log(f"{db}: seeded in {time.perf_counter() - started:.1f} s")
    else:
        log(f"{db}: the database is seeded already ({url})")
        call_command("migrate", verbosity=0)
    from veche.municipalities.listings import listings_changed
    from veche.municipalities.models import Municipality
    from veche.polls.models import Poll, PollVote

    # The polls were written around the services: say so, as `poll_publish` does, so that the web
    # processes keep the list (`municipalities.listings`).
    listings_changed(Municipality.objects.get(slug=SLUG).pk)

    log(f"{db}: {Poll.objects.count():,} polls, {PollVote.objects.count():,} votes, {User_count():,} users")
    if args.seed_only:
        return True
    plan = load_plan(args.scale)
    connection.close()
    port = free_port()
    server = start_gunicorn(url, port, args.workers, args.redis)
    ok = True
    try:
        problems = same_page(port, plan)
        for problem in problems:
            log(f"{db}: {problem}")
        ok = not problems
        results: dict[str, list[dict[str, float]]] = {target: [] for target in TARGETS}
        warm = argparse.Namespace(**{**vars(args), "duration": args.warmup})
        for target in TARGETS:
            run_load(port, target, load_plan(args.scale), warm, seed=0)
            connection.close()
        for round_ in range(args.rounds):
            order = TARGETS[round_ % 3 :] + TARGETS[: round_ % 3]
            for target in order:
                plan = load_plan(args.scale)  # the votes made so far are not made again
                connection.close()
                run = figures(
                    run_load(port, target, plan, args, seed=round_ * 10 + TARGETS.index(target) + 1)
                )
                results[target].append(run)
                log(
                    f"{db} round {round_ + 1} {target}: {run['rps']:.1f} req/s, p50 {run['p50']:.1f} ms, "
                    f"p99 {run['p99']:.1f} ms, {run['errors']:.0f} errors, load process "
                    f"{run['load_cpu']:.0%} of a core"
                )
    finally:
        stop_gunicorn(server)
    wrong = counters_consistent()
    log(f"{db}: polls whose votes_count differs from their votes after the load: {wrong}")
    connection.close()
    report(db, results, args)
    return ok and wrong == 0


def main() -> None:
    if "--load-process" in sys.argv:
        load_process()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="of 100,000 users and 1,000,000 votes")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load per target and round")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of load per target first")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/15",
        help="Redis for the web processes, as in production (its database is emptied); '' for none",
    )
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seed-only", action="store_true", help="seed (if need be) and stop")
    args = parser.parse_args()
    sys.path.insert(0, str(PEERS))
    print(
        f"bench/throughput.py, {time.strftime('%Y-%m-%d %H:%M %Z')}, {platform.node()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}, scale {args.scale:g}"
    )
    if args.db != "both":
        sys.exit(0 if bench_db(args.db, args) else 1)
    # Each database in its own process: Django is set up once per process.
    argv: list[str] = []
    given = iter(sys.argv[1:])
    for arg in given:
        if arg == "--db":
            next(given, None)
        elif not arg.startswith("--db="):
            argv.append(arg)
    codes = [
        subprocess.run([sys.executable, __file__, *argv, "--db", db], check=False).returncode
        for db in ("sqlite", "postgres")
    ]
    sys.exit(max(codes))


if __name__ == "__main__":
    main()
