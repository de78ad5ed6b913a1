"""What the budgeting tests share with each other and with the top-level suites (tests/): processes
taken through the services to any phase (`make_process`, a fixture), their budgets and ballots."""

from collections.abc import Callable
from typing import Any

import pytest

from veche.accounts.models import User
from veche.budgeting.models import (
    BallotKind,
    Budget,
    Process,
    ProcessPhase,
    Proposal,
    Rule,
    TieBreaking,
    Utilities,
)
from veche.budgeting.services.proposals import proposal_review, proposal_submit
from veche.budgeting.services.setup import Settings, budget_save, process_create, process_move
from veche.municipalities.models import District, Municipality

# Title and reviewed cost of the projects on the city-wide ballot (budget 10 000 roubles).
PROJECTS = [("Bike lane", 4000), ("Playground", 3000), ("Benches", 1000), ("Fountain", 6000), ("Trees", 2500)]
CITY_AMOUNT = 10_000


def settings_for(kind: str = BallotKind.APPROVAL, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "ballot_kind": kind,
        "min_projects": 1,
        "max_projects": 3,
        "points_total": 10 if kind == BallotKind.CUMULATIVE else None,
        "rule": Rule.MES_ADD1,
        "utilities": Utilities.COST,
        "tie_breaking": TieBreaking.LEXICOGRAPHIC,
        "tier": 2,
    }
    values.update(changes)
    return Settings(**values)


@pytest.fixture
def make_process(
    municipality: Municipality,
    municipal_admin: User,
    official: User,
    make_user: Callable[..., User],
    resident_of: Callable[..., User],
    central: District,
) -> Callable[..., Process]:
    """A process taken through the services to `phase`: city-wide projects from PROJECTS (all
    feasible), and with `district_budget` a Central-district budget of 5 000 with two projects."""
    counter = {"n": 0}

    def make(
        phase: str = ProcessPhase.VOTING,
        kind: str = BallotKind.APPROVAL,
        district_budget: bool = False,
        projects: list[tuple[str, int]] | None = None,
        **changes: Any,
    ) -> Process:
        counter["n"] += 1
        process = process_create(
            actor=municipal_admin,
            municipality=municipality,
            title=f"Participatory budget {counter['n']}",
            description="",
            settings_=settings_for(kind, **changes),
            amount=CITY_AMOUNT,
        )
        if district_budget:
            budget_save(actor=municipal_admin, process=process, district=central, amount=5000)
        if phase == ProcessPhase.DRAFT:
            return process
        process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.PROPOSALS)
        author = resident_of(f"author{counter['n']}", central)
        city = process.budgets.get(district=None)
        made = [
            (
                proposal_submit(
                    author=author,
                    process=process,
                    budget=city,
                    title=title,
                    description="Why not.",
                    estimated_cost=cost,
                ),
                cost,
            )
            for title, cost in (projects or PROJECTS)
        ]
        if district_budget:
            district = process.budgets.get(district=central)
            made += [
                (
                    proposal_submit(
                        author=author,
                        process=process,
                        budget=district,
                        title=title,
                        description="Here.",
                        estimated_cost=cost,
                    ),
                    cost,
                )
                for title, cost in [("Flower beds", 2000), ("Street lamps", 3500)]
            ]
        if phase == ProcessPhase.PROPOSALS:
            return process
        process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.REVIEW)
        if phase == ProcessPhase.REVIEW:
            return process
        for proposal, cost in made:
            proposal.process = process
            proposal_review(reviewer=official, proposal=proposal, feasible=True, cost=cost, reasons="")
        process = process_move(actor=municipal_admin, process=process, to=ProcessPhase.VOTING)
        if phase == ProcessPhase.VOTING:
            return process
        return process_move(actor=municipal_admin, process=process, to=ProcessPhase.COUNTING)

    return make


def city_budget(process: Process) -> Budget:
    return Budget.objects.select_related("process__municipality", "district").get(
        process=process, district=None
    )


def options(budget: Budget) -> list[Proposal]:
    """The budget's proposals in the order of PROJECTS."""
    return list(Proposal.objects.filter(budget=budget).order_by("id"))


def approve(*proposals: Proposal) -> list[dict[str, int]]:
    return [{"proposal": p.pk} for p in proposals]
