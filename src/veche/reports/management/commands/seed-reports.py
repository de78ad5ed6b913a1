"""`veche seed-reports --count N --municipality SLUG`: fill the database with realistic reports, fast.

For load tests and benchmarks. Reports are written in bulk (not through the services), with the
same fields the lifecycle would leave: statuses by age, departments, deadlines, answers, one
history line each. Progress goes to stderr.
"""

import math
import random
import sys
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from veche.core.calendar import add_working_days
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day
from veche.reports import mapcells
from veche.reports.models import Report, ReportEvent, Source, Status

BATCH = 5000
# Where problems cluster: a few dense districts and a thin spread over the whole city.
HOTSPOTS = 12
PLACES = ["у дома", "во дворе", "на перекрёстке", "у школы"]
STREETS = ["Ленина", "Мира", "Садовая", "Тверская", "Арбат"]
# Reports are spread over the city's centre +- these degrees; districts split that box into a grid.
SPREAD_LAT, SPREAD_LON = 0.15, 0.25
GRID_COLUMNS = 4


def district_at(districts: list[Any], centre: tuple[float, float], lat: float, lon: float) -> Any:
    """The district a point lies in, when the districts are a grid of GRID_COLUMNS columns over the
    city (points beyond it belong to the nearest edge): a district is a place, as on a real map."""
    columns = min(GRID_COLUMNS, len(districts))
    rows = math.ceil(len(districts) / columns)
    col = int((lon - centre[1] + SPREAD_LON) / (2 * SPREAD_LON) * columns)
    row = int((lat - centre[0] + SPREAD_LAT) / (2 * SPREAD_LAT) * rows)
    index = min(max(row, 0), rows - 1) * columns + min(max(col, 0), columns - 1)
    return districts[min(index, len(districts) - 1)]


class Command(BaseCommand):
    help = "Fill the database with N realistic reports for one municipality (for benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["count"]
        if count <= 0:
            raise CommandError("--count must be positive")
        municipality = Municipality.objects.filter(slug=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"no municipality with slug {options['municipality']!r}")
        categories = list(municipality.categories.filter(is_active=True))
        districts: list[Any] = list(municipality.districts.order_by("slug")) or [None]
        if not categories:
            raise CommandError("the municipality has no categories")
        rng = random.Random(options["seed"])  # noqa: S311 - synthetic data, not secrets
        now = timezone.now()
        today = local_day(municipality, now)
        hotspots = [
            (municipality.latitude + rng.gauss(0, 0.05), municipality.longitude + rng.gauss(0, 0.08))
            for _ in range(HOTSPOTS)
        ]
        # Oldest first, as a live site writes them: ids grow with created_at, so the newest reports
        # sit together at the end of the table, where every "newest first" page reads them.
        ages = sorted((rng.random() ** 1.5 * 730 for _ in range(count)), reverse=True)
        started = time.monotonic()
        written = 0
        while written < count:
            size = min(BATCH, count - written)
            reports = [
                self._report(rng, age, municipality, categories, districts, hotspots, now, today)
                for age in ages[written : written + size]
            ]
            with transaction.atomic():
                created = Report.objects.bulk_create(reports, batch_size=1000)
                mapcells.add_reports(created)
                ReportEvent.objects.bulk_create(
                    [
                        ReportEvent(
                            report=r,
                            kind="submitted",
                            from_status="",
                            to_status=Status.SUBMITTED,
                            created_at=r.created_at,
                        )
                        for r in created
                    ],
                    batch_size=1000,
                )
            written += size
            rate = written / max(time.monotonic() - started, 1e-9)
            sys.stderr.write(f"\r{written:,}/{count:,} reports ({rate:,.0f}/s)")
            sys.stderr.flush()
        sys.stderr.write("\n")
        self.stdout.write(
            f"seeded {written:,} reports in {municipality.slug} in {time.monotonic() - started:.0f} s"
        )

    def _report(
        self,
        rng: random.Random,
        age: float,
        municipality: Municipality,
        categories: list[Any],
        districts: list[Any],
        hotspots: list[tuple[float, float]],
        now: Any,
        today: Any,
    ) -> Report:
        category = rng.choice(categories)
        if rng.random() < 0.7:
            lat0, lon0 = rng.choice(hotspots)
            lat, lon = lat0 + rng.gauss(0, 0.008), lon0 + rng.gauss(0, 0.012)
        else:
            lat, lon = (
                municipality.latitude + rng.uniform(-SPREAD_LAT, SPREAD_LAT),
                municipality.longitude + rng.uniform(-SPREAD_LON, SPREAD_LON),
            )
        created = now - timedelta(days=age)
        answer_due = add_working_days(created.date(), category.answer_days, lambda d: d.weekday() < 5)
        if age < 2:
            status = Status.SUBMITTED if rng.random() < 0.5 else Status.ROUTED
        elif age < 15:
            status = rng.choice([Status.ROUTED, Status.IN_PROGRESS, Status.RESOLVED])
        else:
            status = rng.choices(
                [Status.CLOSED, Status.REJECTED, Status.IN_PROGRESS, Status.DECLINED], weights=[85, 5, 6, 4]
            )[0]
        answered = status in (Status.RESOLVED, Status.REJECTED, Status.CLOSED)
        updated = min(now, created + timedelta(days=rng.uniform(0.1, 12)))
        return Report(
            municipality=municipality,
            category=category,
            district=district_at(districts, (municipality.latitude, municipality.longitude), lat, lon),
            department_id=None if status in (Status.SUBMITTED, Status.DECLINED) else category.department_id,
            source=rng.choice([Source.WEB, Source.WEB, Source.API, Source.OPEN311]),
            status=status,
            description=f"{category.name}: {rng.choice(PLACES)} №{rng.randint(1, 200)}",
            address=f"ул. {rng.choice(STREETS)}, {rng.randint(1, 150)}",
            latitude=lat,
            longitude=lon,
            created_at=created,
            updated_at=updated,
            moderation_due=created.date() + timedelta(days=1),
            answer_due=answer_due,
            answered_at=updated if answered else None,
            answer="Работы выполнены." if answered else "",
            closed_at=updated if status in (Status.CLOSED, Status.DECLINED) else None,
            supporters_count=int(rng.paretovariate(2.0)) - 1,
        )
