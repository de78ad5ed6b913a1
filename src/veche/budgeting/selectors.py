"""Reads of participatory budgeting shared by pages, the API and the services.

`budget_election` turns a budget's feasible proposals and ballots into the engine's `Election`,
for counting and for pabulib export; `budget_results` reads the newest count back with an
explanation for people of why each project was, or was not, funded.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count as CountOf
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.access.predicates import admits_district
from veche.access.roles import is_signed_in
from veche.budgeting import plain
from veche.budgeting.engine import Election, Project, Voter
from veche.budgeting.models import (
    Ballot,
    BallotChoice,
    BallotKind,
    BallotSource,
    Budget,
    Process,
    ProcessPhase,
    Proposal,
    ProposalStatus,
    Rule,
    Tally,
    TieBreaking,
    Utilities,
)
from veche.municipalities.models import District, Municipality

# The pabulib names of the rules (META `rule`), both ways.
PABULIB_RULES: dict[str, str] = {
    Rule.GREEDY: "greedy",
    Rule.MES: "equalshares",
    Rule.MES_ADD1: "equalshares/add1",
    Rule.MES_ADD1_COMPARISON: "equalshares/add1-comparison",
    Rule.PHRAGMEN: "seq-phragmen",
}
RULES_OF_PABULIB: dict[str, str] = {name: rule for rule, name in PABULIB_RULES.items()}

NOBODY = gettext_lazy("nobody")


def money(amount: int | float | Decimal) -> str:
    """An amount of roubles for people, in the active language's digit grouping; kopecks if any."""
    value = Decimal(str(amount)) if isinstance(amount, float) else Decimal(amount)
    value = value.quantize(Decimal("0.01"))
    places = 0 if value == value.to_integral_value() else 2
    return formats.number_format(value, places, use_l10n=True, force_grouping=True) + "\u00a0₽"


def district_refusal(budget: Budget, district: District | None) -> str:
    """Why a person verified in `district` may not take part in `budget` ("" if they may)."""
    if budget.district is None or admits_district((budget.district.pk,), district):
        return ""
    return _("Only residents verified in the district %(name)s can take part in its budget.") % {
        "name": budget.district.title
    }


# Lists.


def processes_for(*, municipality: Municipality, viewer: Any, staff: bool) -> QuerySet[Process]:
    """The municipality's processes (with those in set-up for its staff), each with its budgets."""
    processes = Process.objects.filter(municipality=municipality)
    if not staff:
        processes = processes.exclude(phase=ProcessPhase.DRAFT)
    budgets = Budget.objects.select_related("district").annotate(
        feasible=CountOf("proposals", filter=Q(proposals__status=ProposalStatus.FEASIBLE))
    )
    return processes.prefetch_related(Prefetch("budgets", queryset=budgets)).order_by("-created_at", "-id")


def budgets_for(*, municipality: Municipality, viewer: Any, staff: bool) -> QuerySet[Budget]:
    """The budgets of the municipality's visible processes, each annotated with `voted` and counts."""
    budgets = Budget.objects.filter(process__municipality=municipality)
    if not staff:
        budgets = budgets.exclude(process__phase=ProcessPhase.DRAFT)
    voted = (
        Exists(Ballot.objects.filter(budget=OuterRef("pk"), user=viewer))
        if is_signed_in(viewer)
        else Value(False)
    )
    return (
        budgets.select_related("process__municipality", "district")
        .annotate(
            voted=voted,
            feasible=CountOf("proposals", filter=Q(proposals__status=ProposalStatus.FEASIBLE), distinct=True),
        )
        .order_by("-process__created_at", "-process_id", "id")
    )


def proposals_of(*, process: Process, budget: Budget | None = None, status: str = "") -> QuerySet[Proposal]:
    proposals = Proposal.objects.filter(process=process)
    if budget is not None:
        proposals = proposals.filter(budget=budget)
    if status:
        proposals = proposals.filter(status=status)
    return proposals.select_related("budget__district", "author", "reviewed_by").order_by("budget_id", "id")


def review_queue(*, process: Process) -> QuerySet[Proposal]:
    """Proposals to review: those waiting first, then those decided (which may still be revised)."""
    return (
        proposals_of(process=process)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .order_by(F("reviewed_at").asc(nulls_first=True), "budget_id", "id")
    )


def ballot_options(*, budget: Budget) -> list[Proposal]:
    """The projects on a budget's ballot: its feasible proposals, cheapest first."""
    return list(
        Proposal.objects.filter(budget=budget, status=ProposalStatus.FEASIBLE).order_by("reviewed_cost", "id")
    )


def ballot_of(*, budget: Budget, user: Any) -> Ballot | None:
    """`user`'s ballot on `budget`, with its choices, if they cast one here."""
    if not is_signed_in(user):
        return None
    return (
        Ballot.objects.filter(budget=budget, user=user)
        .prefetch_related(Prefetch("choices", queryset=BallotChoice.objects.select_related("proposal")))
        .first()
    )


def ballots_by_budget(*, process: Process, user: Any) -> dict[int, Ballot]:
    if not is_signed_in(user):
        return {}
    return {b.budget_id: b for b in Ballot.objects.filter(process=process, user=user)}


def latest_tally(*, budget: Budget) -> Tally | None:
    return (
        Tally.objects.filter(budget=budget)
        .select_related("counted_by")
        .order_by("-counted_at", "-id")
        .first()
    )


# The engine's view of a budget.


def _pabulib_date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value is not None else "None"


def budget_election(*, budget: Budget, selected: bool = False) -> Election:
    """The budget as a pabulib election: its feasible proposals and every ballot, in the order cast.

    Project ids are the proposals' project ids; voters are numbered, except those of an imported
    file (who keep its voter ids) and paper ballots (their number, prefixed). With `selected`, the
    newest count's winners are marked in a `selected` column.
    """
    process = budget.process
    proposals = list(Proposal.objects.filter(budget=budget, status=ProposalStatus.FEASIBLE).order_by("id"))
    by_pk = {p.pk: p for p in proposals}
    winners: set[int] = set()
    if selected:
        tally = latest_tally(budget=budget)
        winners = set(tally.winners) if tally is not None else set()
    projects: dict[str, Project] = {}
    for proposal in proposals:
        projects[proposal.project_id] = Project(
            project_id=proposal.project_id,
            cost=Decimal(proposal.cost),
            name=proposal.title,
            selected=(proposal.pk in winners) if selected else None,
        )
    cumulative = process.ballot_kind == BallotKind.CUMULATIVE
    ballots = list(
        Ballot.objects.filter(budget=budget)
        .order_by("id")
        .values_list("id", "source", "voter_ref", "created_at")
    )
    choices: dict[int, list[tuple[int, int]]] = {}
    for ballot_id, proposal_id, points in (
        BallotChoice.objects.filter(ballot__budget=budget)
        .order_by("ballot_id", "id")
        .values_list("ballot_id", "proposal_id", "points")
    ):
        if proposal_id in by_pk:
            choices.setdefault(ballot_id, []).append((proposal_id, points))
    voters: list[Voter] = []
    used: set[str] = set()
    web = 0
    for ballot_id, source, voter_ref, _created in ballots:
        if source == BallotSource.PABULIB:
            voter_id = voter_ref
        elif source == BallotSource.PAPER:
            voter_id = f"paper-{voter_ref}"
        else:
            web += 1
            voter_id = f"web-{web}"
        if voter_id in used:
            voter_id = f"{voter_id}-{ballot_id}"
        used.add(voter_id)
        chosen = choices.get(ballot_id, [])
        voters.append(
            Voter(
                voter_id=voter_id,
                vote=tuple(by_pk[pk].project_id for pk, _points in chosen),
                points=tuple(Decimal(points) for _pk, points in chosen) if cumulative else None,
                extra={"voting_method": {"web": "internet", "paper": "paper"}.get(source)},
            )
        )
    meta = {
        "description": process.title,
        "country": "Russia",
        "unit": process.municipality.name,
        "instance": str(process.created_at.year),
        "num_projects": str(len(projects)),
        "num_votes": str(len(voters)),
        "budget": str(budget.amount),
        "vote_type": "cumulative" if cumulative else "approval",
        "rule": PABULIB_RULES.get(process.rule, "unknown"),
        "date_begin": _pabulib_date(ballots[0][3] if ballots else None),
        "date_end": _pabulib_date(ballots[-1][3] if ballots else None),
        "language": "ru",
        "currency": "RUB",
        "min_length": str(process.min_projects),
    }
    if budget.district is not None:
        meta["subunit"] = budget.district.name
        meta["district"] = budget.district.name
    if process.max_projects is not None:
        meta["max_length"] = str(process.max_projects)
    if process.ballot_kind == BallotKind.KNAPSACK:
        meta["max_sum_cost"] = str(budget.amount)
    if cumulative and process.points_total is not None:
        meta["max_sum_points"] = str(process.points_total)
    project_columns = ["project_id", "cost", "name"] + (["selected"] if selected else [])
    voter_columns = ["voter_id", "vote"] + (["points"] if cumulative else []) + ["voting_method"]
    return Election(meta, projects, voters, project_columns, voter_columns)


# Results.


@dataclass(frozen=True)
class ProjectResult:
    project_id: str
    proposal: Proposal | None
    title: str
    cost: int
    supporters: int
    funded: bool
    round: int | None
    supporters_pay: float | None
    explanation: str  # for people, in their language
    engine_reason: str  # the engine's own sentence, in English


@dataclass(frozen=True)
class BudgetResults:
    budget: Budget
    tally: Tally
    projects: list[ProjectResult]  # funded first, in the order bought; then by supporters
    decided_by: str  # the rule whose outcome stands: "greedy", "mes" or "phragmen"

    @property
    def funded(self) -> list[ProjectResult]:
        return [p for p in self.projects if p.funded]

    @property
    def unspent(self) -> int:
        return self.budget.amount - self.tally.total_cost

    @property
    def comparison(self) -> dict[str, Any] | None:
        comparison: dict[str, Any] | None = self.tally.explanations.get("comparison")
        return comparison

    @property
    def rule_label(self) -> str:
        return str(Rule(self.tally.rule).label)

    @property
    def utilities_label(self) -> str:
        return str(Utilities(self.tally.utilities).label)

    @property
    def tie_breaking_label(self) -> str:
        return str(TieBreaking(self.tally.tie_breaking).label)

    @property
    def uses_utilities(self) -> bool:
        return self.tally.rule not in (Rule.GREEDY, Rule.PHRAGMEN)

    @property
    def counting(self) -> str:
        """How the rule decided, in a paragraph with its technical names."""
        return plain.rule_details(self.tally.rule)

    @property
    def rule_name(self) -> str:
        return str(plain.RULE_NAME[self.tally.rule])

    @property
    def rule_how(self) -> str:
        return str(plain.RULE_HOW[self.tally.rule])

    @property
    def ties(self) -> str:
        return str(plain.TIES[self.tally.tie_breaking])


def _explain(decided_by: str, outcome: dict[str, Any], completed: bool) -> str:
    """Why one project was or was not funded, from the numbers the engine gave."""
    supporters = int(outcome["supporters"])
    cost = Decimal(outcome["cost"])
    pay = outcome.get("supporters_pay")
    if outcome["funded"]:
        if decided_by == "mes":
            if cost == 0:
                return _("Funded: it costs nothing and has supporters.")
            return _(
                "Funded in round %(round)d: its %(n)d supporters paid %(paid)s of its cost %(cost)s."
            ) % {
                "round": outcome["round"],
                "n": supporters,
                "paid": money(round(pay or 0, 2)),
                "cost": money(cost),
            }
        if decided_by == "phragmen":
            return _("Funded in round %(round)d: its supporters could together afford it at that point.") % {
                "round": outcome["round"]
            }
        return _("Funded: %(n)d votes; its cost %(cost)s fit in what was left of the budget.") % {
            "n": supporters,
            "cost": money(cost),
        }
    if supporters == 0:
        return _("Not funded: nobody voted for it.")
    if decided_by == "mes":
        could = money(round(pay or 0, 2))
        if completed and pay is not None and pay >= cost:
            return _(
                "Not funded: its %(n)d supporters could still pay %(paid)s of its cost %(cost)s, "
                "but funding it would exceed the budget."
            ) % {"n": supporters, "paid": could, "cost": money(cost)}
        return _("Not funded: its %(n)d supporters could still pay only %(paid)s of its cost %(cost)s.") % {
            "n": supporters,
            "paid": could,
            "cost": money(cost),
        }
    if decided_by == "phragmen":
        return _(
            "Not funded: the rule stopped, at the first project in line whose cost no longer fit in the "
            "budget, before this project's %(n)d supporters could afford its cost %(cost)s."
        ) % {"n": supporters, "cost": money(cost)}
    return _(
        "Not funded: %(n)d votes; when its turn came, what was left of the budget was less than its cost "
        "%(cost)s."
    ) % {"n": supporters, "cost": money(cost)}


def decided_by(tally: Tally) -> str:
    comparison = tally.explanations.get("comparison")
    if tally.rule == Rule.GREEDY or (comparison and comparison.get("kept") == "greedy"):
        return "greedy"
    if tally.rule == Rule.PHRAGMEN:
        return "phragmen"
    return "mes"


def budget_results(*, budget: Budget, tally: Tally | None = None) -> BudgetResults | None:
    """The newest tally of `budget` (or `tally`), every project explained; None if never counted."""
    tally = tally or latest_tally(budget=budget)
    if tally is None:
        return None
    ids: dict[str, int] = tally.explanations.get("proposals", {})
    proposals = Proposal.objects.in_bulk(list(ids.values()))
    rule = decided_by(tally)
    completed = tally.rule in (Rule.MES_ADD1, Rule.MES_ADD1_COMPARISON)
    rows = []
    for outcome in tally.explanations.get("projects", []):
        proposal = proposals.get(ids.get(outcome["project_id"], 0))
        rows.append(
            ProjectResult(
                project_id=outcome["project_id"],
                proposal=proposal,
                title=proposal.title if proposal is not None else outcome["project_id"],
                cost=int(Decimal(outcome["cost"])),
                supporters=int(outcome["supporters"]),
                funded=bool(outcome["funded"]),
                round=outcome.get("round"),
                supporters_pay=outcome.get("supporters_pay"),
                explanation=_explain(rule, outcome, completed),
                engine_reason=str(outcome.get("reason", "")),
            )
        )
    order = {pk: i for i, pk in enumerate(tally.winners)}
    rows.sort(
        key=lambda r: (
            0 if r.funded else 1,
            order.get(r.proposal.pk if r.proposal is not None else 0, 0),
            -r.supporters,
            r.title,
        )
    )
    return BudgetResults(budget=budget, tally=tally, projects=rows, decided_by=rule)
