"""How residents' contributions led to decisions in a period, as the stages of a flow chart (a
Sankey-like SVG and its table): edges (from stage, to stage, count).

Three streams:
- report -> answered -> answered in time, and answered -> disputed (from the roll-ups: a report is
  counted at each step in the month the step happened);
- initiative -> reached the threshold -> vote on the options -> adopted (from the initiatives:
  published, threshold reached, vote opened, option chosen, each in the period);
- idea -> selected -> implemented (from the crowd projects: ideas proposed, ideas taken up in a
  selection published in the period, taken-up ideas whose milestones are all done, the last one in
  the period).

Each step is counted when it happened, so over a short period a later stage may count items whose
earlier steps fell before it, and exceed the stage it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q, Sum
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from veche.analytics.decisions import Window
from veche.analytics.models import MonthlyFact
from veche.analytics.periods import Period
from veche.crowdprojects.models import Idea, IdeaStatus
from veche.initiatives.models import CHOSEN, Initiative
from veche.municipalities.models import Municipality

STAGES: dict[str, str | Promise] = {
    "report": pgettext_lazy("flow stage", "reports"),
    "answered": pgettext_lazy("flow stage", "answered"),
    "answered_in_time": pgettext_lazy("flow stage", "answered in time"),
    "disputed": pgettext_lazy("flow stage", "disputed after the answer"),
    "initiative": pgettext_lazy("flow stage", "initiatives"),
    "threshold": pgettext_lazy("flow stage", "reached the threshold"),
    "initiative_vote": pgettext_lazy("flow stage", "vote on the options"),
    "adopted": pgettext_lazy("flow stage", "adopted"),
    "idea": pgettext_lazy("flow stage", "ideas"),
    "selected": pgettext_lazy("flow stage", "taken up"),
    "implemented": pgettext_lazy("flow stage", "implemented"),
}

EDGES = (
    ("report", "answered"),
    ("answered", "answered_in_time"),
    ("answered", "disputed"),
    ("initiative", "threshold"),
    ("threshold", "initiative_vote"),
    ("initiative_vote", "adopted"),
    ("idea", "selected"),
    ("selected", "implemented"),
)


@dataclass(frozen=True)
class Flows:
    stages: dict[str, int]  # stage -> how many items reached it in the period
    edges: list[tuple[str, str, int]]  # (from stage, to stage, count): the count of the "to" stage

    @property
    def labels(self) -> dict[str, str]:
        """Each stage's name in the active language."""
        return {stage: str(label) for stage, label in STAGES.items()}

    def rows(self) -> list[dict[str, object]]:
        """The table under the chart: one row per edge, unlocalised numbers."""
        labels = self.labels
        return [
            {"from": a, "to": b, "from_label": labels[a], "to_label": labels[b], "count": n}
            for a, b, n in self.edges
        ]


def _within(window: Window, municipality: Municipality, path: str) -> Q:
    start, end = window.bounds[municipality.pk]
    return Q(**{f"{path}__gte": start, f"{path}__lt": end})


def flows(municipality: Municipality, period: Period) -> Flows:
    window = Window([municipality], period)
    facts = dict(
        MonthlyFact.objects.filter(
            municipality=municipality,
            month__gte=period.start,
            month__lt=period.end,
            metric__in=[
                "reports_received",
                "reports_answered",
                "reports_answered_in_time",
                "reports_disputed",
            ],
        )
        .values("metric")
        .annotate(total=Sum("value"))
        .order_by()
        .values_list("metric", "total")
    )

    def within(path: str) -> Q:
        return _within(window, municipality, path)

    initiatives = Initiative.objects.filter(municipality=municipality, hidden_at__isnull=True).aggregate(
        initiative=Count("pk", filter=within("published_at")),
        threshold=Count("pk", filter=within("threshold_reached_at")),
        initiative_vote=Count("pk", filter=within("poll__opens_at")),
        adopted=Count("pk", filter=Q(status__in=CHOSEN) & within("decided_at")),
    )
    ideas = Idea.objects.filter(municipality=municipality, hidden_at__isnull=True).aggregate(
        idea=Count("pk", filter=within("created_at")),
        selected=Count(
            "pk", filter=Q(status=IdeaStatus.SELECTED) & within("project__selection__published_at")
        ),
    )
    implemented = (
        Idea.objects.filter(municipality=municipality, hidden_at__isnull=True, status=IdeaStatus.SELECTED)
        .annotate(
            steps=Count("milestones"),
            undone=Count("milestones", filter=Q(milestones__done_at__isnull=True)),
            last_done=Max("milestones__done_at"),
        )
        .filter(steps__gt=0, undone=0)
        .values_list("last_done", flat=True)
    )
    stages = {
        "report": int(facts.get("reports_received") or 0),
        "answered": int(facts.get("reports_answered") or 0),
        "answered_in_time": int(facts.get("reports_answered_in_time") or 0),
        "disputed": int(facts.get("reports_disputed") or 0),
        **initiatives,
        **ideas,
        "implemented": sum(1 for moment in implemented if window.holds(municipality.pk, moment)),
    }
    return Flows(stages=stages, edges=[(a, b, stages[b]) for a, b in EDGES])
