"""What the analytics pages draw, shaped for the page, its table and its CSV: the dashboard's charts,
the comparison page's sparklines and the network page's flow picture. Every number a machine reads
(the chart's JSON, a data attribute, a CSV cell, an SVG coordinate) is kept plain here; the text a
person reads is written in the active language beside it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from veche.analytics import classify, flows, selectors
from veche.analytics.decisions import Decision, decided
from veche.analytics.models import MonthlyFact
from veche.analytics.periods import Period, month_of, offered_values, parse_period
from veche.analytics.selectors import Indicators
from veche.core.spreadsheet import neutralise
from veche.municipalities.models import Municipality
from veche.municipalities.zones import zone_of

Number = int | float | None

# Units of a chart: how its numbers are read and written.
COUNT, HOURS, SHARE = "count", "hours", "share"


def month_key(month: date) -> str:
    """A month as CSV, JSON and ?period= write it: YYYY-MM."""
    return f"{month:%Y-%m}"


def number_text(value: Number, unit: str = COUNT) -> str:
    """A number for people to read in the active language; a dash for "no figure" (no answer in the
    month, no decision to share)."""
    if value is None:
        return "—"
    if unit == SHARE:
        return formats.number_format(round(value * 100), use_l10n=True) + "\u00a0%"
    if unit == HOURS:
        return formats.number_format(round(value, 1), decimal_pos=1, use_l10n=True)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def plain(value: Number) -> str:
    """A number as a machine reads it: no grouping, a point for decimals, empty for "no figure"."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{round(value, 4):g}"
    return str(value)


@dataclass(frozen=True)
class Series:
    key: str  # the CSV column and the API field
    label: StrOrPromise
    values: Sequence[Number]


@dataclass(frozen=True)
class Cell:
    value: str  # plain
    text: str  # localised
    label: str  # its column's, for the phone's stacked table


@dataclass(frozen=True)
class Chart:
    """One chart of the dashboard: its series over the period's months, drawn by analytics.js from
    `data` (a JSON script element), shown as a table (`rows`) and served as CSV (`csv_rows`)."""

    slug: str
    title: StrOrPromise
    description: StrOrPromise
    months: Sequence[date]
    series: Sequence[Series]
    kind: str = "line"  # Chart.js's type: "line" or "bar"
    stacked: bool = False
    unit: str = COUNT

    @property
    def data(self) -> dict[str, Any]:
        return {
            "type": self.kind,
            "stacked": self.stacked,
            "unit": self.unit,
            "labels": [date_format(month, "M Y") for month in self.months],
            "datasets": [{"label": str(s.label), "data": list(s.values)} for s in self.series],
        }

    @property
    def rows(self) -> list[tuple[date, list[Cell]]]:
        return [
            (
                month,
                [
                    Cell(plain(s.values[i]), number_text(s.values[i], self.unit), str(s.label))
                    for s in self.series
                ],
            )
            for i, month in enumerate(self.months)
        ]

    @property
    def empty(self) -> bool:
        return not any(v for s in self.series for v in s.values)

    def csv_rows(self) -> list[list[str]]:
        """A header of machine names, then a month (YYYY-MM) per row with plain numbers."""
        header = ["month", *(s.key for s in self.series)]
        return [
            header,
            *([month_key(m), *(plain(s.values[i]) for s in self.series)] for i, m in enumerate(self.months)),
        ]


def late(answered: Sequence[int], in_time: Sequence[int]) -> list[int]:
    return [max(a - t, 0) for a, t in zip(answered, in_time, strict=True)]


def sparkline(values: Sequence[Number], *, width: int = 120, height: int = 32, pad: int = 3) -> str:
    """The points of an SVG polyline drawing `values` left to right in a `width` x `height` box, the
    largest at the top (less `pad`) and zero at the bottom; a single value is a flat line."""
    numbers = [float(v or 0) for v in values]
    if not numbers:
        return ""
    top = max(numbers) or 1.0
    step = (width - 2 * pad) / max(len(numbers) - 1, 1)
    points = []
    for i, v in enumerate(numbers if len(numbers) > 1 else numbers * 2):
        x = pad + i * step if len(numbers) > 1 else pad + i * (width - 2 * pad)
        y = height - pad - (height - 2 * pad) * v / top
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)


@dataclass(frozen=True)
class Sparkline:
    values: Sequence[Number]
    width: int = 120
    height: int = 32

    @property
    def points(self) -> str:
        return sparkline(self.values, width=self.width, height=self.height)

    @property
    def total(self) -> int:
        return int(sum(v or 0 for v in self.values))

    @property
    def peak(self) -> Number:
        return max((v for v in self.values if v is not None), default=None)

    @property
    def text(self) -> str:
        """The values for people to read (a screen reader reads them for the picture)."""
        return ", ".join(number_text(v) for v in self.values)


MODEL_NAMES: dict[int, StrOrPromise] = {
    1: gettext_lazy("Residents go through the whole cycle"),
    2: gettext_lazy("Residents' choice is carried out"),
    3: gettext_lazy("Residents inform"),
}
MODEL_HELP: dict[int, StrOrPromise] = {
    1: gettext_lazy(
        "At least one crowd project went from ideas through discussion and a residents' vote to "
        "implementation that is tracked."
    ),
    2: gettext_lazy(
        "Initiatives, polls or a participatory budget produced choices that residents made and the "
        "authority carried out."
    ),
    3: gettext_lazy("Residents report problems and sign appeals; the decisions stay with the authority."),
}
UN_LEVELS = classify.UN_LEVEL_NAMES


def period_text(period: Period) -> str:
    """The period for people to read: "March 2025", or "January 2025 – June 2025"."""
    first, last = period.months[0], period.months[-1]
    if first == last:
        return date_format(first, "YEAR_MONTH_FORMAT")
    return f"{date_format(first, 'YEAR_MONTH_FORMAT')} – {date_format(last, 'YEAR_MONTH_FORMAT')}"


def period_shortcuts(today: date) -> list[tuple[str, str, str]]:
    """The periods people usually ask for, as (label, ?period= value, the period's own label): the
    last twelve months, this year and the two before."""
    return [
        (value or _("Last twelve months"), value, parse_period(value, today=today).label)
        for value in offered_values(today)
    ]


@dataclass(frozen=True)
class Evidence:
    """What a classification rests on, for the page: lists of items with their links, and counts."""

    lists: list[tuple[str, StrOrPromise, list[dict[str, Any]]]]  # key, label, items (title, link)
    counts: list[tuple[str, StrOrPromise, int]]


EVIDENCE_LISTS: dict[str, StrOrPromise] = {
    "full_cycle_projects": gettext_lazy("Crowd projects through the full cycle"),
    "adopted_initiatives": gettext_lazy("Adopted initiatives"),
    "closed_polls": gettext_lazy("Polls with published results"),
    "counted_budgets": gettext_lazy("Counted participatory budgets"),
    "crowd_selections": gettext_lazy("Crowd project selections"),
    "rejected_initiatives": gettext_lazy("Rejected initiatives"),
}
EVIDENCE_COUNTS: dict[str, StrOrPromise] = {
    "decisions": gettext_lazy("Decisions"),
    "binding_decisions": gettext_lazy("Binding decisions"),
    "reports": gettext_lazy("Reports"),
    "reports_answered_in_time": gettext_lazy("Reports answered in time"),
    "reports_disputed": gettext_lazy("Disputed fixes"),
    "appeals": gettext_lazy("Appeals"),
    "appeals_answered": gettext_lazy("Appeals answered"),
}


def evidence_of(classification: classify.Classification) -> Evidence:
    found = classification.evidence
    lists = []
    for key, label in EVIDENCE_LISTS.items():
        items = found.get(key)
        if isinstance(items, list) and items:
            lists.append((key, label, [i for i in items if isinstance(i, dict)]))
    counts = [
        (key, label, int(n)) for key, label in EVIDENCE_COUNTS.items() if isinstance(n := found.get(key), int)
    ]
    return Evidence(lists, counts)


def model_name(model: int) -> str:
    return str(MODEL_NAMES.get(model, _("Unknown")))


def un_level_name(level: str) -> str:
    return str(UN_LEVELS.get(level, level))


CONTRIBUTION_KINDS: dict[str, StrOrPromise] = {
    "report": gettext_lazy("reports"),
    "appeal": gettext_lazy("appeals"),
    "initiative": gettext_lazy("initiatives"),
    "idea": gettext_lazy("ideas"),
    "proposal": gettext_lazy("budget proposals"),
    "statement": gettext_lazy("statements"),
    "comment": gettext_lazy("comments"),
    "amendment": gettext_lazy("amendments"),
    "monitoring": gettext_lazy("monitoring reports"),
}
VOTE_KINDS: dict[str, StrOrPromise] = {
    "poll": gettext_lazy("poll votes"),
    "budget": gettext_lazy("budget ballots"),
    "crowd": gettext_lazy("crowd project votes"),
    "deliberation": gettext_lazy("deliberation votes"),
    "rating": gettext_lazy("ratings of ideas"),
    "result_rating": gettext_lazy("ratings of results"),
    "support": gettext_lazy("initiative supports"),
    "signature": gettext_lazy("appeal signatures"),
    "me_too": gettext_lazy("“me too” on reports"),
    "idea_support": gettext_lazy("supports of ideas"),
    "amendment_support": gettext_lazy("supports of amendments"),
    "pledge": gettext_lazy("pledges"),
}


def _by_kind(series: dict[str, list[int]], names: dict[str, StrOrPromise]) -> list[Series]:
    """A series per kind, in the roll-up's order (the selectors list every kind they know)."""
    return [Series(k, names.get(k, k), values) for k, values in series.items()]


def dashboard_charts(municipality: Municipality, period: Period, only: str | None = None) -> list[Chart]:
    """The dashboard's charts over the period's months, in the page's order (or only the one named
    `only`: a CSV needs no other). The roll-ups' charts read them once, through
    `selectors.indicators`; the budget share and the power-transfer index come from the period's
    decisions, read once and split by the month each was made in."""
    wanted = [only] if only else list(CHART_SLUGS)
    out: list[Chart] = []
    if any(slug in INDICATOR_CHARTS for slug in wanted):
        found = selectors.indicators(municipality, period)
        out += [INDICATOR_CHARTS[slug](found) for slug in wanted if slug in INDICATOR_CHARTS]
    if any(slug in DECISION_CHARTS for slug in wanted):
        months = period.months
        shares, indexes = decision_series(municipality, period)
        if "budget-share" in wanted:
            out.append(
                Chart(
                    "budget-share",
                    _("Participatory budget decided by residents"),
                    _(
                        "Of the money of the participatory budgets counted in the month, the share that "
                        "residents' ballots allocated; no point where no budget was counted."
                    ),
                    months,
                    [Series("budget_share", _("share decided by residents"), shares)],
                    unit=SHARE,
                )
            )
        if "power-transfer" in wanted:
            out.append(
                Chart(
                    "power-transfer",
                    _("Power-transfer index"),
                    _(
                        "The share of decisions and of money in which residents' choice was binding, by "
                        "month; no point where no decision was made."
                    ),
                    months,
                    [Series("power_transfer", _("power-transfer index"), indexes)],
                    unit=SHARE,
                )
            )
    return out


def decisions_by_month(municipality: Municipality, period: Period) -> dict[date, list[Decision]]:
    """The period's decisions by the month (the municipality's calendar) each was made in."""
    zone = zone_of(municipality)
    out: dict[date, list[Decision]] = {}
    for decision in decided([municipality], period, now=timezone.now()).decisions[municipality.pk]:
        out.setdefault(month_of(timezone.localtime(decision.when, zone).date()), []).append(decision)
    return out


def decision_series(municipality: Municipality, period: Period) -> tuple[list[Number], list[Number]]:
    """Per month of the period: the share of the participatory budget residents decided, and the
    power-transfer index (None for a month without such a decision)."""
    by_month = decisions_by_month(municipality, period)
    shares = [classify.budget_share_of(by_month.get(m, [])) for m in period.months]
    indexes = [classify.power_transfer_of(by_month.get(m, [])).index for m in period.months]
    return shares, indexes


def _active(ind: Indicators) -> Chart:
    return Chart(
        "active",
        _("Active participants"),
        _("People who voted, supported, signed or wrote anything at least once in the month."),
        ind.months,
        [Series("active_participants", _("active participants"), ind.active)],
    )


def _contributions(ind: Indicators) -> Chart:
    return Chart(
        "contributions",
        _("New contributions by kind"),
        _(
            "Reports, appeals, initiatives, ideas, proposals, statements, comments and amendments "
            "written in the month."
        ),
        ind.months,
        _by_kind(ind.contributions, CONTRIBUTION_KINDS),
        kind="bar",
        stacked=True,
    )


def _votes(ind: Indicators) -> Chart:
    return Chart(
        "votes",
        _("Votes"),
        _("Votes, ballots, supports, signatures, ratings and pledges cast in the month, by kind."),
        ind.months,
        _by_kind(ind.votes_by_kind, VOTE_KINDS),
        kind="bar",
        stacked=True,
    )


def _answers(ind: Indicators) -> Chart:
    return Chart(
        "answers",
        _("Reports answered in time and late"),
        _("Reports the municipality answered in the month: by their deadline, or after it."),
        ind.months,
        [
            Series("answered_in_time", _("in time"), ind.answered_in_time),
            Series("answered_late", _("late"), late(ind.answered, ind.answered_in_time)),
        ],
        kind="bar",
        stacked=True,
    )


def _answer_time(ind: Indicators) -> Chart:
    return Chart(
        "answer-time",
        _("Median answer time"),
        _("Half of the reports answered in the month were answered within this many hours of being sent."),
        ind.months,
        [Series("median_answer_hours", _("median hours to answer"), ind.median_answer_hours)],
        unit=HOURS,
    )


def _disputed(ind: Indicators) -> Chart:
    return Chart(
        "disputed",
        _("Disputed fixes"),
        _("Answers that the resident disputed: the problem, they said, was not fixed."),
        ind.months,
        [Series("disputed", _("disputed fixes"), ind.disputed)],
        kind="bar",
    )


def _initiatives(ind: Indicators) -> Chart:
    return Chart(
        "initiatives",
        _("Initiatives reaching the threshold and adopted"),
        _("Initiatives that gathered enough support in the month, and those the authority adopted."),
        ind.months,
        [
            Series("initiatives_threshold", _("reached the threshold"), ind.initiatives_threshold),
            Series("initiatives_adopted", _("adopted"), ind.initiatives_adopted),
        ],
        kind="bar",
    )


INDICATOR_CHARTS: dict[str, Callable[[Indicators], Chart]] = {
    "active": _active,
    "contributions": _contributions,
    "votes": _votes,
    "answers": _answers,
    "answer-time": _answer_time,
    "disputed": _disputed,
    "initiatives": _initiatives,
}
# The dashboard's charts, in the order the page shows them; each slug is also its CSV's name.
DECISION_CHARTS = ("budget-share", "power-transfer")
CHART_SLUGS = (*INDICATOR_CHARTS, *DECISION_CHARTS)


@dataclass(frozen=True)
class Classified:
    """A classification as the pages show it: the model's and the level's names, the evidence."""

    classification: classify.Classification

    @property
    def model_name(self) -> str:
        return model_name(self.classification.model)

    @property
    def model_help(self) -> str:
        return str(MODEL_HELP.get(self.classification.model, ""))

    @property
    def un_level_name(self) -> str:
        return un_level_name(self.classification.un_level)

    @property
    def power_transfer_text(self) -> str:
        return number_text(self.classification.power_transfer, SHARE)

    @property
    def evidence(self) -> Evidence:
        return evidence_of(self.classification)


@dataclass(frozen=True)
class ComparisonRow(Classified):
    """A municipality on the comparison page: its classification and its sparklines."""

    active: Sparkline
    votes: Sparkline


def comparison_rows(period: Period) -> list[ComparisonRow]:
    """Every active municipality's classification and monthly active participants and votes: the
    classification's own queries and two more, whatever the number of municipalities."""
    active = _per_month(
        MonthlyFact.objects.filter(
            metric=selectors.ACTIVE_PEOPLE, month__gte=period.start, month__lt=period.end
        )
        .values("municipality__slug", "month")
        .annotate(n=Sum("value")),
        period,
    )
    votes = _per_month(
        MonthlyFact.objects.filter(metric="votes", month__gte=period.start, month__lt=period.end)
        .values("municipality__slug", "month")
        .annotate(n=Sum("value")),
        period,
    )
    zero = [0] * len(period.months)
    return [
        ComparisonRow(
            c, Sparkline(active.get(c.municipality, zero)), Sparkline(votes.get(c.municipality, zero))
        )
        for c in classify.classify_all(period)
    ]


def _per_month(rows: Iterable[dict[str, Any]], period: Period) -> dict[str, list[int]]:
    """{slug: [a figure per month of the period]} from rows of (municipality__slug, month, n)."""
    index = {month: i for i, month in enumerate(period.months)}
    out: dict[str, list[int]] = {}
    for row in rows:
        series = out.setdefault(row["municipality__slug"], [0] * len(index))
        series[index[row["month"]]] += int(row["n"] or 0)
    return out


# The network page ---------------------------------------------------------------------------------

STREAM_TITLES: dict[str, StrOrPromise] = {
    "report": gettext_lazy("From reports to answers"),
    "initiative": gettext_lazy("From initiatives to decisions"),
    "idea": gettext_lazy("From ideas to implementation"),
}
# The flow picture's geometry, in SVG units: columns of nodes, each stage's node as tall as its
# count (the stream's largest count is TALLEST), a label above each node.
COLUMN, NODE, TALLEST, GAP, LABEL, MARGIN = 200, 14, 150, 36, 24, 8


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    count: int
    x: float
    y: float
    height: float

    @property
    def label_y(self) -> float:
        return round(self.y - 6, 1)


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    count: int
    path: str  # an SVG path: a band as thick as the count at the target, curving from the source


@dataclass(frozen=True)
class Stream:
    """One stream of the flow chart (reports, initiatives or ideas): a Sankey-like picture whose
    nodes stand in columns by their step and whose bands are as wide as the counts."""

    key: str
    title: StrOrPromise
    nodes: list[Node]
    links: list[Link]
    width: int
    height: int

    @property
    def empty(self) -> bool:
        return not any(node.count for node in self.nodes)


def streams(found: flows.Flows) -> list[Stream]:
    """A Sankey-like picture per stream of the flows (a stream starts at a stage no edge leads to).
    Every picture is as wide as the longest stream's, so that their text is drawn at one size."""
    children: dict[str, list[str]] = {}
    for a, b, _n in found.edges:
        children.setdefault(a, []).append(b)
    targets = {b for _a, b, _n in found.edges}
    counts = {(a, b): n for a, b, n in found.edges}
    roots = [stage for stage in children if stage not in targets]
    columns = [_columns(root, children) for root in roots]
    width = 2 * MARGIN + max((len(c) for c in columns), default=1) * COLUMN
    return [
        _stream(root, column, children, found.stages, found.labels, counts, width)
        for root, column in zip(roots, columns, strict=True)
    ]


def _columns(root: str, children: dict[str, list[str]]) -> list[list[str]]:
    """The stream's stages by their step: the root, what it leads to, what those lead to..."""
    columns: list[list[str]] = [[root]]
    while nxt := [c for stage in columns[-1] for c in children.get(stage, [])]:
        columns.append(nxt)
    return columns


def _stream(
    root: str,
    columns: list[list[str]],
    children: dict[str, list[str]],
    stages: dict[str, int],
    labels: dict[str, str],
    edge_counts: dict[tuple[str, str], int],
    width: int,
) -> Stream:
    every = [stage for column in columns for stage in column]
    top = max((stages.get(s, 0) for s in every), default=0) or 1
    scale = TALLEST / top
    nodes: dict[str, Node] = {}
    for depth, column in enumerate(columns):
        y = float(MARGIN + LABEL)
        for stage in column:
            count = stages.get(stage, 0)
            height = max(count * scale, 2.0)
            x = MARGIN + depth * COLUMN
            nodes[stage] = Node(stage, labels.get(stage, stage), count, x, round(y, 1), round(height, 1))
            y += height + GAP + LABEL
    links: list[Link] = []
    for source in every:
        offset = 0.0  # how much of the source's edge the bands leaving it have taken
        for target in children.get(source, []):
            s, t = nodes[source], nodes[target]
            count = edge_counts.get((source, target), t.count)
            thick = max(count * scale, 1.0) if count else 0.0
            leaving = min(thick, max(s.height - offset, 0.0))
            x0, x1 = s.x + NODE, t.x
            mid = (x0 + x1) / 2
            y0, y1 = s.y + offset, t.y
            path = (
                f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
                f"L{x1:.1f},{y1 + thick:.1f} C{mid:.1f},{y1 + thick:.1f} {mid:.1f},{y0 + leaving:.1f} "
                f"{x0:.1f},{y0 + leaving:.1f} Z"
            )
            links.append(Link(source, target, count, path if count else ""))
            offset += leaving
    height = max(n.y + n.height for n in nodes.values()) + MARGIN
    title = STREAM_TITLES.get(root, labels.get(root, root))
    return Stream(root, title, list(nodes.values()), links, width, int(height) + 1)


@dataclass(frozen=True)
class Network:
    rows: list[selectors.NetworkRow]
    repeat: int  # people who took part more than once in the period
    participants: int  # people who took part at all
    flows: flows.Flows
    streams: list[Stream]

    @property
    def repeat_share(self) -> float | None:
        return self.repeat / self.participants if self.participants else None

    @property
    def repeat_share_text(self) -> str:
        return number_text(self.repeat_share, SHARE)


def network_of(municipality: Municipality, period: Period) -> Network:
    repeat, participants = selectors.repeat_participants(municipality, period)
    found = flows.flows(municipality, period)
    return Network(selectors.network(municipality, period), repeat, participants, found, streams(found))


NETWORK_TABLES = ("network", "flows")


def network_csv_rows(municipality: Municipality, period: Period, table: str) -> list[list[str]]:
    """The network's table (a row per department, district and category) or the flows' edges, as
    CSV rows: a header of machine names, names made safe for spreadsheets, plain numbers."""
    if table == "flows":
        found = flows.flows(municipality, period)
        return [["from", "to", "count"], *([a, b, str(n)] for a, b, n in found.edges)]
    header = [
        "department_id",
        "department",
        "district_id",
        "district",
        "category_id",
        "category",
        "received",
        "answered",
        "answered_in_time",
        "median_answer_hours",
        "disputed",
    ]
    return [
        header,
        *(
            [
                str(r.department_id),
                neutralise(r.department),
                str(r.district_id),
                neutralise(r.district),
                str(r.category_id),
                neutralise(r.category),
                str(r.received),
                str(r.answered),
                str(r.in_time),
                plain(r.median_hours),
                str(r.disputed),
            ]
            for r in selectors.network(municipality, period)
        ),
    ]
