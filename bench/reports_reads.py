"""Benchmark of the public reads of reports on a seeded database: ours against a naive peer, same run.

    .venv/bin/python bench/reports_reads.py --db sqlite|postgres --count 1000000 [--requests 200]

It builds its own database (a SQLite file under /tmp, one per --count, or the PostgreSQL database
`veche_bench`, dropped and created again; never the developer's var/veche.sqlite3), migrates it,
loads the demo municipalities (Moscow with its districts, departments and categories, and nine
more cities), runs `veche seed-reports --municipality moscow`, runs ANALYZE, and then, read by read:

- ours: the real URL through Django's test Client, so that URL resolution, middleware, the view,
  the template or JSON rendering all count (the nearby selector at 500 m has no URL: it is called
  directly);
- naive: the same answer computed the obvious way (each naive function below says how);

each warmed up first, then timed over the same list of varied inputs (points, pages, boxes,
filters). A sample of inputs is checked for equal answers (the same ids, the same clusters), so the
ratio compares like with like. The table gives p50/p99 in ms, the ratio naive p50 / ours p50,
whether the target is met (p99 <= 50 ms and ratio >= 10) and the SQL queries per request of ours.

The naive peer is slow by design: it runs at most --naive-requests times (default 15), and stops
after three once --naive-seconds (default 120) are spent, so its p99 is its maximum.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

SQLITE_DIR = Path("/tmp")  # noqa: S108 - throw-away benchmark databases
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "veche_bench"
SLUG = "moscow"
TARGET_P99_MS = 50.0
TARGET_RATIO = 10.0
CHECKED_SAMPLE = 6
READ_WARMUP = 10
_REPORT_LINK = re.compile(rf'href="/m/{SLUG}/reports/(\d+)/"')
_SHOWN_COUNT = re.compile(r'<p class="muted">([^<]*)</p>\s*<ol class="reports">')


# --- the database -------------------------------------------------------------------------------


def sqlite_path(count: int) -> Path:
    """One file per size, so that a kept database of one size survives a run of another."""
    return SQLITE_DIR / f"veche-bench-reports-{count}.sqlite3"


def prepare_environment(db: str, count: int) -> str:
    """Point Django at the benchmark database before it is imported; never at var/veche.sqlite3."""
    url = f"sqlite:///{sqlite_path(count)}" if db == "sqlite" else f"{PG_SERVER}/{PG_DATABASE}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "veche.settings.dev"
    os.environ["DEBUG"] = "false"  # no query log, no debug pages: as in production
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["CONN_MAX_AGE"] = "600"
    os.environ["LOG_LEVEL"] = "WARNING"
    return url


def drop_database(db: str, count: int) -> None:
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path(count)}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def create_database(db: str, count: int) -> None:
    drop_database(db, count)
    if db == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {PG_DATABASE}")


def seeded_count() -> int:
    """How many reports a kept benchmark database holds; -1 when there is none to reuse."""
    from django.db import DatabaseError

    from veche.reports.models import Report

    try:
        return Report.objects.count()
    except DatabaseError:
        return -1


def fill_database(db: str, count: int, *, keep: bool) -> None:
    """Migrate, load the demo municipalities, seed `count` reports (unless kept from a run with the
    same count), ANALYZE."""
    from django.core.management import call_command
    from django.db import connection, connections, transaction

    from veche.municipalities import demo

    reuse = keep and seeded_count() == count
    if not reuse:
        connections.close_all()
        create_database(db, count)
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.monotonic() - started:.0f} s")
    if reuse:
        log(f"reusing the {count:,} reports already seeded")
    else:
        # Only the municipalities of `veche demo`: the other apps' demo content is not read here.
        with transaction.atomic():
            demo.load(sys.stderr)
        sys.stderr.write("\n")
        call_command("seed-reports", count=count, municipality=SLUG, stdout=sys.stderr)
    # The map's overdue rows as of today, as the hourly tick keeps them.
    from veche.reports import services

    services.reports_map_advance()
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM too: after a bulk load the visibility map is empty and no index-only scan pays.
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
    log(f"analysed in {time.monotonic() - started:.0f} s")


# --- measuring ----------------------------------------------------------------------------------


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def timed(call: Callable[[Any], Any], inputs: list[Any], runs: int) -> list[float]:
    """Milliseconds of `runs` calls, cycling through the inputs."""
    samples = []
    for i in range(runs):
        value = inputs[i % len(inputs)]
        started = time.perf_counter()
        call(value)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


@dataclass
class Read:
    """One read: ours (timed; returns a response or a result), its answer, and the naive peer's."""

    name: str
    inputs: list[Any]
    ours: Callable[[Any], Any]
    answer: Callable[[Any, Any], Any]  # (input, what ours returned) -> comparable answer
    naive: Callable[[Any], Any]  # input -> comparable answer
    warmup: int = READ_WARMUP


@dataclass
class Result:
    name: str
    ours_p50: float
    ours_p99: float
    naive_p50: float
    naive_p99: float
    queries: str
    runs: int
    naive_runs: int

    @property
    def ratio(self) -> float:
        return self.naive_p50 / self.ours_p50

    @property
    def met(self) -> bool:
        return self.ours_p99 <= TARGET_P99_MS and self.ratio >= TARGET_RATIO


def run_read(read: Read, runs: int, naive_runs: int, naive_budget_s: float) -> Result:
    """Check, then time. The naive peer runs on the first inputs: the first run warms up, the first
    CHECKED_SAMPLE are compared with ours, and it stops after `naive_runs` timed runs or, past three,
    when `naive_budget_s` is spent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    log(f"{read.name}: naive on up to {naive_runs + 1} inputs, answers checked on {CHECKED_SAMPLE}")
    query_counts = set()
    naive: list[float] = []
    spent = 0.0
    for i, value in enumerate(read.inputs):
        if i >= CHECKED_SAMPLE and (len(naive) >= naive_runs or (spent > naive_budget_s and len(naive) >= 3)):
            break
        with CaptureQueriesContext(connection) as queries:
            got = read.ours(value)
        query_counts.add(len(queries.captured_queries))
        started = time.perf_counter()
        expected = read.naive(value)
        elapsed = time.perf_counter() - started
        spent += elapsed
        if i > 0:
            naive.append(elapsed * 1000)
        if i < CHECKED_SAMPLE and read.answer(value, got) != expected:
            raise AssertionError(
                f"{read.name}: answers differ for {value!r}:\nours  {read.answer(value, got)!r}\n"
                f"naive {expected!r}"
            )
    for value in read.inputs[CHECKED_SAMPLE : CHECKED_SAMPLE + 20]:
        with CaptureQueriesContext(connection) as queries:
            read.ours(value)
        query_counts.add(len(queries.captured_queries))
    log(f"{read.name}: ours, {read.warmup} warm-up and {runs} timed requests")
    timed(read.ours, read.inputs, read.warmup)
    ours = timed(read.ours, read.inputs, runs)
    low, high = min(query_counts), max(query_counts)
    result = Result(
        name=read.name,
        ours_p50=percentile(ours, 0.5),
        ours_p99=percentile(ours, 0.99),
        naive_p50=percentile(naive, 0.5),
        naive_p99=percentile(naive, 0.99),
        queries=str(low) if low == high else f"{low}-{high}",
        runs=runs,
        naive_runs=len(naive),
    )
    log(
        f"{read.name}: ours p50 {result.ours_p50:.1f} p99 {result.ours_p99:.1f} ms, "
        f"naive p50 {result.naive_p50:.0f} ms, ratio {result.ratio:.0f}x"
    )
    slowest = sorted(range(len(ours)), key=ours.__getitem__)[-3:]
    for i in reversed(slowest):
        log(f"    slow: {ours[i]:.1f} ms for {read.inputs[i % len(read.inputs)]!r}")
    return result


def table(results: list[Result]) -> str:
    lines = [
        "| read | ours p50 ms | ours p99 ms | naive p50 ms | naive p99 ms | naive runs | ratio | target met "
        "| queries |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.ours_p50:.1f} | {r.ours_p99:.1f} | {r.naive_p50:.0f} | {r.naive_p99:.0f} "
            f"| {r.naive_runs} | {r.ratio:.0f}x | {'yes' if r.met else 'no'} | {r.queries} |"
        )
    return "\n".join(lines)


# --- the reads ----------------------------------------------------------------------------------


class Reads:
    """Every read of the benchmark, with its varied inputs; the naive peers are the methods here."""

    def __init__(self, rng: random.Random) -> None:
        from django.contrib.auth.models import AnonymousUser
        from django.test import Client, RequestFactory
        from django.utils import translation

        from veche.municipalities.models import Municipality
        from veche.reports.models import Report

        # Pages in English, ours and the naive peer's alike, so that the list's "more than" reads the same.
        translation.activate("en")
        self.client = Client(headers={"accept-language": "en"})
        self.factory = RequestFactory()
        self.anonymous = AnonymousUser()
        self.rng = rng
        self.municipality = Municipality.objects.get(slug=SLUG)
        self.categories = list(self.municipality.categories.filter(is_active=True).order_by("pk"))
        self.districts = list(self.municipality.districts.order_by("pk"))
        # Real places of reports (where people report) and a few anywhere in the city.
        ids = (
            Report.objects.filter(municipality=self.municipality).order_by("pk").values_list("pk", flat=True)
        )
        first, last = ids.first(), ids.last()
        assert first is not None and last is not None, "the database has no reports"
        picked = [rng.randint(first, last) for _ in range(400)]
        self.points = list(Report.objects.filter(pk__in=picked).values_list("latitude", "longitude"))
        centre = (self.municipality.latitude, self.municipality.longitude)
        self.points += [
            (centre[0] + rng.uniform(-0.12, 0.12), centre[1] + rng.uniform(-0.2, 0.2)) for _ in range(40)
        ]
        rng.shuffle(self.points)

    def point(self) -> tuple[float, float]:
        lat, lon = self.rng.choice(self.points)
        # Near a reported place, not on it: about 100 m off.
        return lat + self.rng.gauss(0, 0.0009), lon + self.rng.gauss(0, 0.0015)

    def get(self, path: str) -> Callable[[dict[str, str]], Any]:
        def call(params: dict[str, str]) -> Any:
            response = self.client.get(path, params)
            assert response.status_code == 200, (path, params, response.status_code, response.content[:300])
            return response

        return call

    # Open311 GET requests -----------------------------------------------------------------------

    def open311_inputs(self, count: int, *, page_size: int | None, pages: int, near: bool) -> list[Any]:
        inputs = []
        for _ in range(count):
            params = {"jurisdiction_id": SLUG}
            if page_size:
                params["page_size"] = str(page_size)
            if pages > 1:
                params["page"] = str(self.rng.randint(1, pages))
            kind = self.rng.random()
            if kind < 0.2:
                params["status"] = "open"
            elif kind < 0.4:
                params["service_code"] = self.rng.choice(self.categories).slug
            if near:
                lat, lon = self.point()
                params.update({"lat": f"{lat:.6f}", "long": f"{lon:.6f}", "radius": "500"})
            inputs.append(params)
        return inputs

    @staticmethod
    def open311_answer(params: dict[str, str], response: Any) -> list[int]:
        return [int(item["service_request_id"]) for item in json.loads(response.content)]

    def naive_open311(self, params: dict[str, str]) -> list[int]:
        """The 90-day window loaded whole as model objects; filters, radius, order and page in Python;
        then each row's category, department, district, submission and photo fetched one by one."""
        from django.utils import timezone

        from veche.core.geo import haversine_m
        from veche.municipalities.models import Category, Department, District
        from veche.open311 import documents, formats
        from veche.open311.formats import Many
        from veche.open311.models import Submission
        from veche.open311.selectors import CLOSED_STATUSES, OPEN_STATUSES, RequestRow
        from veche.reports.models import PUBLIC, Report, ReportPhoto

        municipality = self.municipality
        since = timezone.now() - timedelta(days=90)
        window = list(
            Report.objects.filter(
                municipality=municipality, status__in=PUBLIC, hidden_at__isnull=True, created_at__gte=since
            ).order_by()
        )
        if params.get("status") == "open":
            window = [r for r in window if r.status in OPEN_STATUSES]
        elif params.get("status") == "closed":
            window = [r for r in window if r.status in CLOSED_STATUSES]
        if "service_code" in params:
            wanted = {
                c.pk for c in Category.objects.filter(municipality=municipality, slug=params["service_code"])
            }
            window = [r for r in window if r.category_id in wanted]
        if "lat" in params:
            lat, lon, radius = float(params["lat"]), float(params["long"]), float(params["radius"])
            approximate = set(
                Submission.objects.filter(approximate_location=True).values_list("report_id", flat=True)
            )
            window = [
                r
                for r in window
                if r.pk not in approximate and haversine_m(lat, lon, r.latitude, r.longitude) <= radius
            ]
        window.sort(key=lambda r: (-r.created_at.timestamp(), r.pk))
        size = int(params.get("page_size", 1000))
        offset = (int(params.get("page", 1)) - 1) * size
        locale = documents.locale_for(municipality)
        found = []
        for r in window[offset : offset + size]:
            category = Category.objects.get(pk=r.category_id)
            department = Department.objects.filter(id=r.department_id or 0).first()
            district = District.objects.filter(id=r.district_id or 0).first()
            submission = Submission.objects.filter(report_id=r.pk).first()
            photo = (
                ReportPhoto.objects.filter(report_id=r.pk, kind="report").order_by("created_at", "pk").first()
            )
            row = RequestRow(
                r.pk, r.status, r.answer, r.description, r.source, r.address, r.latitude, r.longitude,
                r.created_at, r.updated_at, r.answer_due, category.slug, category.name, category.name_en,
                department.name if department else None, department.name_en if department else None,
                district.name if district else None, district.name_en if district else None,
                submission.address_id if submission else None, submission.media_url if submission else None,
                submission.approximate_location if submission else None,
                photo.image.name if photo else None,
            )  # fmt: skip
            found.append(documents.request(row, locale))
        body = formats.respond(formats.JSON, "service_requests", Many("request", found)).content
        return [int(item["service_request_id"]) for item in json.loads(body)]

    # Nearby ---------------------------------------------------------------------------------------

    def nearby_inputs(self, count: int) -> list[tuple[int, float, float]]:
        return [(self.rng.choice(self.categories).pk, *self.point()) for _ in range(count)]

    def nearby_selector(self, radius_m: float) -> Callable[[tuple[int, float, float]], Any]:
        from veche.reports import selectors

        by_pk = {c.pk: c for c in self.categories}

        def call(value: tuple[int, float, float]) -> Any:
            category, lat, lon = value
            return selectors.nearby_open_reports(
                category=by_pk[category], latitude=lat, longitude=lon, radius_m=radius_m
            )

        return call

    @staticmethod
    def nearby_answer(value: Any, found: list[tuple[Any, float]]) -> list[tuple[int, float]]:
        return [(report.pk, round(distance, 6)) for report, distance in found]

    def naive_nearby(self, radius_m: float) -> Callable[[tuple[int, float, float]], list[tuple[Any, float]]]:
        """Every open public report of the category comes to Python; haversine, sort, first ten."""
        from veche.core.geo import haversine_m
        from veche.reports.models import AWAITING_ANSWER, PUBLIC, Report

        def call(value: tuple[int, float, float]) -> list[tuple[Any, float]]:
            category, lat, lon = value
            candidates = Report.objects.filter(
                category_id=category,
                status__in=[s for s in AWAITING_ANSWER if s in PUBLIC],
                hidden_at__isnull=True,
            ).select_related("category", "municipality")
            found = [(r, haversine_m(lat, lon, r.latitude, r.longitude)) for r in candidates]
            return sorted(
                [(r, d) for r, d in found if d <= radius_m], key=lambda pair: (pair[1], pair[0].pk)
            )[:10]

        return call

    def nearby_page_inputs(self, count: int) -> list[dict[str, str]]:
        return [
            {"category": str(c), "latitude": f"{lat:.6f}", "longitude": f"{lon:.6f}"}
            for c, lat, lon in self.nearby_inputs(count)
        ]

    def naive_nearby_page(self, params: dict[str, str]) -> list[int]:
        """The naive 50 m search, rendered with the page's own template."""
        from django.template.loader import render_to_string

        found = self.naive_nearby(50)(
            (int(params["category"]), float(params["latitude"]), float(params["longitude"]))
        )
        request = self.factory.get(f"/m/{SLUG}/reports/nearby/", params)
        request.user = self.anonymous
        html = render_to_string(
            "reports/_nearby.html", {"municipality": self.municipality, "nearby": found}, request=request
        )
        return [int(pk) for pk in _REPORT_LINK.findall(html)]

    # The public list ------------------------------------------------------------------------------

    def list_inputs(self, count: int) -> list[dict[str, str]]:
        inputs = []
        for _ in range(count):
            params: dict[str, str] = {}
            kind = self.rng.random()
            if kind < 0.15:
                params["status"] = "open"
            elif kind < 0.3:
                params["category"] = self.rng.choice(self.categories).slug
            elif kind < 0.4:
                params["district"] = self.rng.choice(self.districts).slug
            elif kind < 0.45:
                params["category"] = self.rng.choice(self.categories).slug
                params["status"] = "open"
            page = 1 if self.rng.random() < 0.5 else self.rng.randint(2, 50)
            if page > 1:
                params["page"] = str(page)
            inputs.append(params)
        return inputs

    @staticmethod
    def list_answer(params: Any, response: Any) -> tuple[list[int], str]:
        """The reports on the page, and the count it states ("more than 1000" past the cap)."""
        html = response.content.decode()
        shown = _SHOWN_COUNT.search(html)
        assert shown is not None, "the list states no count"
        number = re.search(r"\d+", shown.group(1))
        assert number is not None
        count = f"{number.group()}+" if "more than" in shown.group(1) else number.group()
        return [int(pk) for pk in _REPORT_LINK.findall(html)], count

    def _list_context(self, params: dict[str, str]) -> tuple[Any, dict[str, Any]]:
        """What the list page's template gets, built the naive way: every matching id comes to Python
        to be counted and sliced, and the page's reports come without their relations."""
        from django.core.paginator import Paginator
        from django.utils import timezone

        from veche.access.predicates import Feature, allows
        from veche.reports import selectors, services, views
        from veche.reports.forms import FilterForm
        from veche.reports.models import Report

        request = self.factory.get(f"/m/{SLUG}/reports/", params)
        request.user = self.anonymous
        municipality = self.municipality
        form = FilterForm(request.GET or None)
        reports = selectors.filter_reports(
            selectors.public_reports(municipality), views._filters(form), municipality=municipality
        )
        ids = list(reports.order_by("-created_at", "-id").values_list("pk", flat=True))
        page = Paginator(ids, views.PAGE_SIZE).get_page(request.GET.get("page"))
        by_pk = Report.objects.in_bulk(list(page.object_list))
        page.object_list = [by_pk[pk] for pk in page.object_list]  # type: ignore[misc]
        query = request.GET.copy()
        query.pop("page", None)
        return request, {
            "municipality": municipality,
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "categories": municipality.categories.filter(is_active=True),
            "districts": municipality.districts.all(),
            "today": timezone.localdate(),
            "can_report": allows(request.user, municipality, Feature.SUBMIT, services.REPORTING),
        }

    def naive_list(self, params: dict[str, str]) -> tuple[list[int], str]:
        from django.template.loader import render_to_string

        from veche.core.pagination import DEFAULT_CAP

        request, context = self._list_context(params)
        html = render_to_string("reports/list.html", context, request=request)
        count = context["page"].paginator.count
        shown = f"{DEFAULT_CAP}+" if count > DEFAULT_CAP else str(count)
        return [int(pk) for pk in _REPORT_LINK.findall(html)], shown

    # The map --------------------------------------------------------------------------------------

    def map_page_inputs(self, count: int) -> list[dict[str, str]]:
        return [{k: v for k, v in params.items() if k != "page"} for params in self.list_inputs(count)]

    def map_page_answer(self, params: dict[str, str], response: Any) -> int:
        """The map page shows no report; what it leads to is map.json, whose clusters add up to
        every report the filters match."""
        assert b'id="report-map"' in response.content
        whole = self.client.get(
            f"/m/{SLUG}/reports/map.json", {**params, "bbox": "-90,-180,90,180", "zoom": "0"}
        )
        return sum(c["count"] for c in whole.json()["clusters"])

    def naive_map_page(self, params: dict[str, str]) -> int:
        """The page carries every matching report's point, for the browser to cluster."""
        from django.template.loader import render_to_string

        from veche.reports import selectors, views
        from veche.reports.forms import FilterForm

        request = self.factory.get(f"/m/{SLUG}/reports/map/", params)
        request.user = self.anonymous
        form = FilterForm(request.GET or None)
        reports = selectors.filter_reports(
            selectors.public_reports(self.municipality), views._filters(form), municipality=self.municipality
        )
        points = list(reports.order_by().values_list("pk", "latitude", "longitude", "status"))
        context = {
            "municipality": self.municipality,
            "form": form,
            "query": request.GET.urlencode(),
            "categories": self.municipality.categories.filter(is_active=True),
            "districts": self.municipality.districts.all(),
            "points": json.dumps(points),
        }
        render_to_string("reports/map.html", context, request=request)
        return len(points)

    def map_inputs(self, count: int, zooms: tuple[int, int]) -> list[dict[str, str]]:
        inputs = []
        for _ in range(count):
            zoom = self.rng.randint(*zooms)
            lat, lon = self.point() if zoom >= 14 else (
                self.municipality.latitude + self.rng.uniform(-0.08, 0.08),
                self.municipality.longitude + self.rng.uniform(-0.12, 0.12),
            )  # fmt: skip
            # A 1280 x 800 pixel window of 256-pixel tiles.
            half_lon = 640 * 360 / (256 * 2**zoom)
            half_lat = 400 * 360 / (256 * 2**zoom) * math.cos(math.radians(lat))
            box = (lat - half_lat, lon - half_lon, lat + half_lat, lon + half_lon)
            params = {"bbox": ",".join(f"{v:.5f}" for v in box), "zoom": str(zoom)}
            if self.rng.random() < 0.2:
                params["category"] = self.rng.choice(self.categories).slug
            elif self.rng.random() < 0.2:
                params["status"] = "open"
            inputs.append(params)
        return inputs

    @staticmethod
    def map_answer(params: Any, response: Any) -> list[tuple[Any, ...]]:
        return sorted(tuple(sorted(c.items())) for c in response.json()["clusters"])

    def naive_map_data(self, params: dict[str, str]) -> list[tuple[Any, ...]]:
        """Every matching report's point comes to Python (as a map that ships all its markers to the
        browser would), which clusters those in the box: below zoom 17, every grid cell of the zoom
        that the box touches, whole (as ours answers); from zoom 17, the newest 2,000 points in the
        box."""
        from django.http import JsonResponse

        from veche.reports import selectors, views
        from veche.reports.forms import FilterForm
        from veche.reports.models import AWAITING_ANSWER

        south, west, north, east = selectors.valid_bbox(params["bbox"]) or (0.0, 0.0, 0.0, 0.0)
        zoom = int(params["zoom"])
        reports = selectors.filter_reports(
            selectors.public_reports(self.municipality),
            views._filters(FilterForm(params)),
            municipality=self.municipality,
        )
        every = list(reports.order_by().values_list("pk", "latitude", "longitude", "status", "created_at"))
        clusters: list[dict[str, Any]]
        if zoom >= 17:
            rows = [r for r in every if south <= r[1] <= north and west <= r[2] <= east]
            rows.sort(key=lambda r: (r[4], r[0]), reverse=True)
            clusters = [
                {"lat": lat, "lon": lon, "count": 1, "id": pk, "status": status}
                for pk, lat, lon, status, _ in rows[:2000]
            ]
        else:
            cell = 360.0 / (2 ** max(0, min(zoom, 20))) / 4
            xs = (math.floor(west / cell), math.floor(east / cell))
            ys = (math.floor(south / cell), math.floor(north / cell))
            cells: dict[tuple[int, int], list[int]] = {}
            for _, lat, lon, status, _ in every:
                cx, cy = math.floor(lon / cell), math.floor(lat / cell)
                if xs[0] <= cx <= xs[1] and ys[0] <= cy <= ys[1]:
                    counts = cells.setdefault((cx, cy), [0, 0])
                    counts[0] += 1
                    counts[1] += status in AWAITING_ANSWER
            clusters = [
                {"lat": (cy + 0.5) * cell, "lon": (cx + 0.5) * cell, "count": n, "open": n_open}
                for (cx, cy), (n, n_open) in cells.items()
            ]
        body = JsonResponse({"clusters": clusters}).content
        return sorted(tuple(sorted(c.items())) for c in json.loads(body)["clusters"])

    # All of them ----------------------------------------------------------------------------------

    def all(self, count: int) -> list[Read]:
        requests_url = self.get("/open311/v2/requests.json")
        map_inputs = self.map_inputs(count, (10, 16))
        return [
            Read(
                "open311 requests.json, page of 50",
                self.open311_inputs(count, page_size=50, pages=40, near=False),
                requests_url,
                self.open311_answer,
                self.naive_open311,
            ),
            Read(
                "open311 requests.json, default 1,000",
                self.open311_inputs(count, page_size=None, pages=3, near=False),
                requests_url,
                self.open311_answer,
                self.naive_open311,
            ),
            Read(
                "open311 requests.json, lat/long radius 500 m",
                self.open311_inputs(count, page_size=None, pages=1, near=True),
                requests_url,
                self.open311_answer,
                self.naive_open311,
            ),
            Read(
                "nearby_open_reports, radius 500 m",
                self.nearby_inputs(count),
                self.nearby_selector(500),
                self.nearby_answer,
                lambda value: self.nearby_answer(value, self.naive_nearby(500)(value)),
            ),
            Read(
                "nearby hint page /reports/nearby/ (50 m)",
                self.nearby_page_inputs(count),
                self.get(f"/m/{SLUG}/reports/nearby/"),
                lambda params, response: [int(pk) for pk in _REPORT_LINK.findall(response.content.decode())],
                self.naive_nearby_page,
            ),
            Read(
                "public list /reports/",
                self.list_inputs(count),
                self.get(f"/m/{SLUG}/reports/"),
                self.list_answer,
                self.naive_list,
            ),
            Read(
                "public map page /reports/map/",
                self.map_page_inputs(count),
                self.get(f"/m/{SLUG}/reports/map/"),
                self.map_page_answer,
                self.naive_map_page,
            ),
            Read(
                "map.json clusters, zoom 10-16",
                map_inputs,
                self.get(f"/m/{SLUG}/reports/map.json"),
                self.map_answer,
                self.naive_map_data,
            ),
            Read(
                "map.json clusters, zoom 10-16, overdue only",
                [{**params, "overdue": "on"} for params in map_inputs],
                self.get(f"/m/{SLUG}/reports/map.json"),
                self.map_answer,
                self.naive_map_data,
            ),
            Read(
                "map.json points, zoom 17-18",
                self.map_inputs(count, (17, 18)),
                self.get(f"/m/{SLUG}/reports/map.json"),
                self.map_answer,
                self.naive_map_data,
            ),
        ]


# --- main ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--count", type=int, default=1_000_000, help="reports to seed")
    parser.add_argument("--requests", type=int, default=200, help="timed requests of ours per read")
    parser.add_argument(
        "--naive-requests", type=int, default=15, help="timed runs of the naive peer per read, at most"
    )
    parser.add_argument(
        "--naive-seconds", type=float, default=120, help="time for the naive peer per read (at least 3 runs)"
    )
    parser.add_argument("--only", default="", help="run only the reads whose name contains this text")
    parser.add_argument("--seed", type=int, default=7, help="seed of the varied inputs")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database afterwards; reuse a kept one seeded with the same --count",
    )
    args = parser.parse_args()

    prepare_environment(args.db, args.count)
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]).fetchone():
                conn.execute(f"CREATE DATABASE {PG_DATABASE}")

    import django

    django.setup()
    from django.db import connection, connections

    try:
        fill_database(args.db, args.count, keep=args.keep)
        # As veche/wsgi.py does in a server: the views loaded, what start-up made frozen out of the
        # garbage collector's way. (Ours and the naive peer run in this one process alike.)
        from django.urls import get_resolver

        get_resolver().url_patterns  # noqa: B018 - the import is the point
        gc.freeze()
        reads = [
            r for r in Reads(random.Random(args.seed)).all(max(args.requests, 40)) if args.only in r.name
        ]
        results = [run_read(read, args.requests, args.naive_requests, args.naive_seconds) for read in reads]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
            )
            version = cursor.fetchone()[0].split(" on ")[0]
    finally:
        connections.close_all()
        if not args.keep:
            drop_database(args.db, args.count)
    command = " ".join(["python", "bench/reports_reads.py", *sys.argv[1:]])
    print(f"\n{args.db} ({version}), {args.count:,} reports, {time.strftime('%Y-%m-%d')}, ", end="")
    print(f"{os.cpu_count()} cores, Python {platform.python_version()}; `{command}`")
    print(f"ours: {args.requests} timed requests per read, after {READ_WARMUP} warm-up requests\n")
    print(table(results))


if __name__ == "__main__":
    main()
