"""The organisers' dashboard of a project: every registered contribution (`tallies.contributions`)
counted per day in the municipality's calendar, the distinct participants of each day, and totals by
district and by tier where the contributions carry them.

A fixed number of queries whatever the activity: one per contribution for its days (each row a day
and a person, with how many times they took part that day), one per contribution that carries a
district, one per contribution that carries a tier, and one for the districts' names.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from veche.access.roles import Tier
from veche.crowdprojects import tallies
from veche.crowdprojects.models import Project, ProjectTier
from veche.municipalities.models import District
from veche.municipalities.zones import zone_of

# The tables one may download, by their key in `?table=`.
TABLES = ("days", "districts", "tiers")


@dataclass(frozen=True)
class Column:
    key: str  # the CSV header: a machine's name, never translated
    label: StrOrPromise


@dataclass(frozen=True)
class Table:
    key: str
    columns: list[Column]  # after the first column, the row's name
    rows: list[tuple[str, str, list[int]]]  # (name for the CSV, name for people, one count per column)
    totals: list[int]

    @property
    def lines(self) -> list[tuple[str, list[tuple[Column, int]]]]:
        """For the page: each row's name with its counts beside their columns."""
        return [(name, list(zip(self.columns, counts, strict=True))) for _key, name, counts in self.rows]

    @property
    def total_cells(self) -> list[tuple[Column, int]]:
        return list(zip(self.columns, self.totals, strict=True))


@dataclass(frozen=True)
class Dashboard:
    days: Table
    districts: Table | None  # None when no contribution carries a district
    tiers: Table | None
    participants: int  # distinct people who contributed anything

    def table(self, key: str) -> Table | None:
        return {"days": self.days, "districts": self.districts, "tiers": self.tiers}.get(key)


def _table(key: str, columns: list[Column], rows: list[tuple[str, str, list[int]]]) -> Table:
    totals = [sum(row[2][i] for row in rows) for i in range(len(columns))]
    return Table(key, columns, rows, totals)


def project_dashboard(project: Project) -> Dashboard:
    zone = zone_of(project.municipality)
    contributions = tallies.contributions()
    per_day: dict[date, dict[str, int]] = defaultdict(dict)
    people: dict[date, set[int]] = defaultdict(set)
    everyone: set[int] = set()
    for contribution in contributions:
        rows = (
            contribution.rows(project)
            .annotate(day=TruncDate("created_at", tzinfo=zone))
            .values("day", "user_id")
            .annotate(n=Count("*"))
            .order_by()
        )
        for row in rows:
            day = row["day"]
            per_day[day][contribution.key] = per_day[day].get(contribution.key, 0) + row["n"]
            if row["user_id"] is not None:
                people[day].add(row["user_id"])
                everyone.add(row["user_id"])
    columns = [Column(c.key, c.label) for c in contributions]
    days = _table(
        "days",
        [*columns, Column("participants", _("participants"))],
        [
            (
                day.isoformat(),
                date_format(day, "j E Y"),
                [per_day[day].get(c.key, 0) for c in columns] + [len(people[day])],
            )
            for day in sorted(per_day)
        ],
    )
    # Distinct people over the whole project, not the sum of the days'.
    days = Table(days.key, days.columns, days.rows, [*days.totals[:-1], len(everyone)])
    return Dashboard(
        days=days,
        districts=_by_district(project, contributions),
        tiers=_by_tier(project, contributions),
        participants=len(everyone),
    )


def _by_district(project: Project, contributions: list[tallies.Contribution]) -> Table | None:
    carried = [c for c in contributions if c.has_district]
    if not carried:
        return None
    counts: dict[int | None, dict[str, int]] = defaultdict(dict)
    for contribution in carried:
        rows = contribution.rows(project).values("district_id").annotate(n=Count("*")).order_by()
        for row in rows:
            counts[row["district_id"]][contribution.key] = row["n"]
    names = {d.pk: d for d in District.objects.filter(pk__in=[pk for pk in counts if pk is not None])}
    ordered = sorted(names.values(), key=lambda d: d.title)
    keys: list[tuple[int | None, str, str]] = [(d.pk, d.slug, str(d.title)) for d in ordered]
    if None in counts:
        keys.append((None, "", _("No district")))
    return _table(
        "districts",
        [Column(c.key, c.label) for c in carried],
        [(slug, name, [counts[pk].get(c.key, 0) for c in carried]) for pk, slug, name in keys],
    )


def _by_tier(project: Project, contributions: list[tallies.Contribution]) -> Table | None:
    carried = [c for c in contributions if c.has_tier]
    if not carried:
        return None
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for contribution in carried:
        for row in contribution.rows(project).values("tier").annotate(n=Count("*")).order_by():
            counts[row["tier"]][contribution.key] = row["n"]
    labels = dict(ProjectTier.choices)
    return _table(
        "tiers",
        [Column(c.key, c.label) for c in carried],
        [
            (
                Tier(tier).name.lower(),
                str(labels.get(tier, Tier(tier).name.lower())),
                [counts[tier].get(c.key, 0) for c in carried],
            )
            for tier in sorted(counts)
        ],
    )
