"""API of analytics, public like its pages: the classification of every municipality, a
municipality's indicators month by month, and its network of interaction. Months are YYYY-MM;
`period` is written as on the pages (YYYY, YYYY-MM or YYYY-MM..YYYY-MM; empty for the last twelve
months), and a bad one is a 400 with the `period` field's message."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from veche.access.functions import access_municipality
from veche.analytics import charts, classify, flows, selectors
from veche.analytics.periods import Period, parse_period
from veche.api.schemas import ERRORS
from veche.core.dbrouter import replica_view
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day

router = Router(tags=["analytics"])


class AnalyticsClassificationOut(Schema):
    """As `veche analytics classify --format json` prints it, with the UN level and the index."""

    municipality: str
    name: str
    model: int
    un_level: str
    power_transfer: float | None
    evidence: dict[str, Any]


class AnalyticsIndicatorsOut(Schema):
    municipality: str
    period: str
    months: list[str]
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
    appeals_received: list[int]
    appeals_answered: list[int]
    appeals_answered_in_time: list[int]
    budget_share: list[float | None]
    power_transfer: list[float | None]


class AnalyticsNetworkRowOut(Schema):
    department_id: int
    department: str
    district_id: int
    district: str
    category_id: int
    category: str
    received: int
    answered: int
    answered_in_time: int
    median_answer_hours: float | None
    disputed: int

    @staticmethod
    def resolve_answered_in_time(obj: Any) -> int:
        return int(obj.in_time)

    @staticmethod
    def resolve_median_answer_hours(obj: Any) -> float | None:
        hours: float | None = obj.median_hours
        return hours


class AnalyticsFlowEdgeOut(Schema):
    source: str
    target: str
    count: int


class AnalyticsNetworkOut(Schema):
    municipality: str
    period: str
    rows: list[AnalyticsNetworkRowOut]
    repeat_participants: int
    participants: int
    stages: dict[str, int]
    edges: list[AnalyticsFlowEdgeOut]


def _municipality(request: HttpRequest, slug: str, period: str) -> tuple[Municipality, Period]:
    municipality = access_municipality(request.user, slug)
    return municipality, parse_period(period, today=local_day(municipality))


@router.get("/analytics/classification", response={200: list[AnalyticsClassificationOut], **ERRORS})
@replica_view
def analytics_classification(request: HttpRequest, period: str = "") -> Any:
    """Every active municipality, by slug: its model (1, 2 or 3), UN E-Participation level,
    power-transfer index (0..1, null without decisions) and the evidence (counts and links)."""
    return [c.as_json() for c in classify.classify_all(parse_period(period, today=timezone.localdate()))]


@router.get("/analytics/municipalities/{slug}/indicators", response={200: AnalyticsIndicatorsOut, **ERRORS})
@replica_view
def analytics_indicators(request: HttpRequest, slug: str, period: str = "") -> Any:
    """One value per month of the period for each series of the dashboard."""
    municipality, found = _municipality(request, slug, period)
    ind = selectors.indicators(municipality, found)
    shares, indexes = charts.decision_series(municipality, found)
    return {
        "municipality": municipality.slug,
        "period": found.label,
        "months": [charts.month_key(m) for m in ind.months],
        "active": ind.active,
        "contributions": ind.contributions,
        "votes": ind.votes,
        "votes_by_kind": ind.votes_by_kind,
        "received": ind.received,
        "answered": ind.answered,
        "answered_in_time": ind.answered_in_time,
        "median_answer_hours": ind.median_answer_hours,
        "disputed": ind.disputed,
        "initiatives_threshold": ind.initiatives_threshold,
        "initiatives_adopted": ind.initiatives_adopted,
        "appeals_received": ind.appeals_received,
        "appeals_answered": ind.appeals_answered,
        "appeals_answered_in_time": ind.appeals_answered_in_time,
        "budget_share": shares,
        "power_transfer": indexes,
    }


@router.get("/analytics/municipalities/{slug}/network", response={200: AnalyticsNetworkOut, **ERRORS})
@replica_view
def analytics_network(request: HttpRequest, slug: str, period: str = "") -> Any:
    """Who answers whom (a row per department, district and category), how many people took part
    more than once, and the flows from contributions to decisions."""
    municipality, found = _municipality(request, slug, period)
    repeat, participants = selectors.repeat_participants(municipality, found)
    steps = flows.flows(municipality, found)
    return {
        "municipality": municipality.slug,
        "period": found.label,
        "rows": selectors.network(municipality, found),
        "repeat_participants": repeat,
        "participants": participants,
        "stages": steps.stages,
        "edges": [{"source": a, "target": b, "count": n} for a, b, n in steps.edges],
    }
