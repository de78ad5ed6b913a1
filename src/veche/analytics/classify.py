"""Which model of participation each municipality practises in a period, decided from what happened
on the platform (never from its configuration), with the evidence, its place on the UN
E-Participation levels and its power-transfer index. The rules are in docs/analytics.md.

- model 1: a crowd project completed the full cycle in the period: ideas, then a discussion,
  assessment or deliberation stage, residents' vote, a published selection with ideas taken up,
  then implementation tracked (a milestone, a milestone update or a monitoring report after the
  selection; the first of them falls in the period);
- model 2 (if not 1): residents made a choice that the municipality carried out: an adopted
  initiative (its option chosen in the vote), an official poll closed with votes and its result
  published, a participatory budget counted from residents' ballots that funded projects, or a
  crowd project's selection made after residents' vote whose cycle is not (yet) complete;
- model 3 otherwise: residents only inform (reports, appeals).
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from veche.analytics.decisions import BUDGET, CROWD, INITIATIVE, POLL, Decision, Made, decided
from veche.analytics.models import MonthlyFact
from veche.analytics.periods import Period, parse_period
from veche.core.errors import DomainError
from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day

E_INFORMATION, E_CONSULTATION, E_DECISION_MAKING = "e-information", "e-consultation", "e-decision-making"
UN_LEVELS = (E_INFORMATION, E_CONSULTATION, E_DECISION_MAKING)
UN_LEVEL_NAMES: dict[str, StrOrPromise] = {
    E_INFORMATION: gettext_lazy("E-information"),
    E_CONSULTATION: gettext_lazy("E-consultation"),
    E_DECISION_MAKING: gettext_lazy("E-decision-making"),
}

# The roll-ups' counts the evidence shows (sums over every key of the period's months).
COUNTED = (
    "reports_received",
    "reports_answered",
    "reports_answered_in_time",
    "reports_disputed",
    "appeals_received",
    "appeals_answered",
)
# Votes and contributions in which residents are asked (e-consultation): votes in polls,
# deliberations, ratings, budgets and crowd projects, and contributions to discussions.
CONSULTING_VOTES = ("poll", "deliberation", "rating", "budget", "crowd")
CONSULTING_CONTRIBUTIONS = ("idea", "proposal", "statement", "amendment")


@dataclass(frozen=True)
class Classification:
    municipality: str  # slug
    name: str  # the municipality's name in the active language
    model: int  # 1, 2 or 3
    un_level: str  # "e-information" | "e-consultation" | "e-decision-making"
    evidence: dict[str, object]  # counts and links (absolute paths), JSON-serialisable, unlocalised
    power_transfer: float | None  # 0..1, None when no decision was made in the period

    def as_json(self) -> dict[str, object]:
        return {
            "municipality": self.municipality,
            "name": self.name,
            "model": self.model,
            "un_level": self.un_level,
            "power_transfer": self.power_transfer,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class PowerTransfer:
    """PTI = mean(D, M) where D = binding decisions / decisions and M = money residents' binding
    choice allocated / money of the decisions that concerned money; PTI = D when no decision
    concerned money, None when there was no decision."""

    decisions: int
    binding: int
    money: int  # roubles of the decisions that concerned money
    money_by_residents: int
    decision_share: float | None  # D
    money_share: float | None  # M
    index: float | None  # PTI


def power_transfer_of(decisions: Sequence[Decision]) -> PowerTransfer:
    binding = sum(1 for d in decisions if d.binding)
    money = sum(d.money for d in decisions if d.money)
    by_residents = sum(d.money_by_residents for d in decisions if d.money)
    d_share = binding / len(decisions) if decisions else None
    m_share = by_residents / money if money else None
    if d_share is None:
        index = None
    elif m_share is None:
        index = d_share
    else:
        index = (d_share + m_share) / 2
    return PowerTransfer(len(decisions), binding, money, by_residents, d_share, m_share, index)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _facts(ids: Sequence[int], period: Period) -> dict[int, dict[tuple[str, str], int]]:
    """The period's sums of the roll-ups, per municipality, metric and key, in one query (the same
    rows `veche.analytics.selectors.totals` sums, read for many municipalities at once)."""
    rows = (
        MonthlyFact.objects.filter(municipality_id__in=ids, month__gte=period.start, month__lt=period.end)
        .filter(metric__in=[*COUNTED, "votes", "contributions"])
        .values("municipality_id", "metric", "key")
        .annotate(total=Sum("value"))
        .order_by()
        .values_list("municipality_id", "metric", "key", "total")
    )
    out: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for mid, metric, key, total in rows:
        out[mid][metric, key] = int(total or 0)
    return out


def _total(facts: dict[tuple[str, str], int], metric: str) -> int:
    return sum(value for (m, _key), value in facts.items() if m == metric)


def _classify(municipality: Municipality, made: Made, facts: dict[tuple[str, str], int]) -> Classification:
    decisions = made.decisions[municipality.pk]
    cycles = made.cycles[municipality.pk]
    by_kind: dict[str, list[Decision]] = defaultdict(list)
    for decision in decisions:
        by_kind[decision.kind].append(decision)
    adopted = [d for d in by_kind[INITIATIVE] if d.binding]
    rejected = [d for d in by_kind[INITIATIVE] if not d.binding]
    polls = by_kind[POLL]
    budgets = [d for d in by_kind[BUDGET] if d.binding and d.money_by_residents > 0]
    crowd = by_kind[CROWD]
    pti = power_transfer_of(decisions)
    counts = {metric: _total(facts, metric) for metric in COUNTED}
    votes = {key: value for (metric, key), value in facts.items() if metric == "votes"}
    contributions = {key: value for (metric, key), value in facts.items() if metric == "contributions"}

    voted_selections = [d for d in crowd if d.binding]
    if cycles:
        model = 1
    elif adopted or polls or budgets or voted_selections:
        model = 2
    else:
        model = 3

    consulted = (
        polls
        or rejected
        or crowd
        or by_kind[BUDGET]
        or counts["appeals_answered"]
        or any(votes.get(kind) for kind in CONSULTING_VOTES)
        or any(contributions.get(kind) for kind in CONSULTING_CONTRIBUTIONS)
    )
    if pti.binding:
        un_level = E_DECISION_MAKING
    elif consulted:
        un_level = E_CONSULTATION
    else:
        un_level = E_INFORMATION

    evidence: dict[str, object] = {
        "full_cycle_projects": [c.as_evidence() for c in cycles],
        "adopted_initiatives": [d.as_evidence() for d in adopted],
        "rejected_initiatives": [d.as_evidence() for d in rejected],
        "closed_polls": [d.as_evidence() for d in polls],
        "counted_budgets": [d.as_evidence() for d in by_kind[BUDGET]],
        "crowd_selections": [d.as_evidence() for d in crowd],
        "decisions": pti.decisions,
        "binding_decisions": pti.binding,
        "money": pti.money,
        "money_by_residents": pti.money_by_residents,
        "decision_share": _round(pti.decision_share),
        "money_share": _round(pti.money_share),
        "reports": counts["reports_received"],
        "reports_answered": counts["reports_answered"],
        "reports_answered_in_time": counts["reports_answered_in_time"],
        "reports_disputed": counts["reports_disputed"],
        "appeals": counts["appeals_received"],
        "appeals_answered": counts["appeals_answered"],
        "votes": dict(sorted(votes.items())),
        "contributions": dict(sorted(contributions.items())),
    }
    return Classification(
        municipality=municipality.slug,
        name=str(municipality.name),
        model=model,
        un_level=un_level,
        evidence=evidence,
        power_transfer=_round(pti.index),
    )


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def classify_many(
    municipalities: Sequence[Municipality], period: Period, *, now: datetime | None = None
) -> list[Classification]:
    """`classify` for each of `municipalities`, in a number of queries that does not grow with them."""
    municipalities = list(municipalities)
    made = decided(municipalities, period, now=_now(now))
    facts = _facts([m.pk for m in municipalities], period)
    return [_classify(m, made, facts.get(m.pk, {})) for m in municipalities]


def classify(municipality: Municipality, period: Period, *, now: datetime | None = None) -> Classification:
    return classify_many([municipality], period, now=now)[0]


def classify_all(period: Period, *, now: datetime | None = None) -> list[Classification]:
    """Every active municipality, by slug."""
    return classify_many(list(Municipality.objects.filter(is_active=True).order_by("slug")), period, now=now)


def power_transfer_index(
    municipality: Municipality, period: Period, *, now: datetime | None = None
) -> PowerTransfer:
    return power_transfer_of(decided([municipality], period, now=_now(now)).decisions[municipality.pk])


def budget_share_of(decisions: Sequence[Decision]) -> float | None:
    """Of the money of the budget decisions among `decisions`, the share residents' ballots allocated
    (M of the power-transfer index over the budgets alone); None when there is none."""
    return power_transfer_of([d for d in decisions if d.kind == BUDGET]).money_share


def budget_share(municipality: Municipality, period: Period, *, now: datetime | None = None) -> float | None:
    """Of the money of the participatory budgets whose results were published in the period (the
    amounts of their counted budgets), the share that residents' counted ballots allocated (the
    cost of the projects the counts funded); None when no budget was counted."""
    return budget_share_of(decided([municipality], period, now=_now(now)).decisions[municipality.pk])


# The command ------------------------------------------------------------------------------------


def _table(rows: Sequence[Classification]) -> str:
    head = (_("municipality"), _("model"), _("UN level"), _("decisions"), _("binding"), _("power transfer"))
    lines = [head]
    for c in rows:
        pti = "" if c.power_transfer is None else f"{c.power_transfer:.2f}"
        lines.append(
            (
                c.municipality,
                str(c.model),
                str(UN_LEVEL_NAMES[c.un_level]),
                str(c.evidence["decisions"]),
                str(c.evidence["binding_decisions"]),
                pti,
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    return "\n".join(
        "  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def command(options: dict[str, Any], stdout: IO[str], stderr: IO[str] | None = None) -> int:
    """`veche analytics classify [--period P] [--municipality SLUG] [--format json|table]`: 0, or 2
    with a message on stderr for a bad period, an unknown municipality or format."""
    err = stderr or sys.stderr
    slug = options.get("municipality")
    fmt = options.get("format") or "json"
    if fmt not in ("json", "table"):
        err.write(_("The format is json or table.") + "\n")
        return 2
    municipality = None
    if slug:
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            err.write(_("No municipality %(slug)s.") % {"slug": slug} + "\n")
            return 2
    today = local_day(municipality) if municipality else timezone.localdate()
    try:
        period = parse_period(options.get("period"), today=today)
    except DomainError as error:
        err.write(error.message + "\n")
        return 2
    rows = classify_many([municipality], period) if municipality else classify_all(period)
    if fmt == "json":
        stdout.write(json.dumps([c.as_json() for c in rows], ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(_table(rows) + "\n")
    return 0


__all__ = [
    "Classification",
    "PowerTransfer",
    "budget_share",
    "budget_share_of",
    "classify",
    "classify_all",
    "classify_many",
    "command",
    "power_transfer_index",
]
