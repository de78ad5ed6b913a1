"""Access to participatory budgeting: who sets processes up, who runs them, who sees what.

Municipal admins set processes up and move them between phases; officials (and admins) review
proposals, count, import paper ballots and export pabulib files. A process in set-up is seen
only by them; results are public once the process publishes them.
"""

from typing import Any

from veche.access.functions import access_municipality, access_visible, is_live, parse_pk
from veche.access.roles import Person, has_permission
from veche.budgeting.models import Budget, Process, ProcessPhase, Proposal
from veche.budgeting.phases import PUBLISHED
from veche.core.errors import NotFound
from veche.municipalities.models import Municipality


def can_set_up_budgets(user: Person, municipality: Municipality) -> bool:
    return has_permission(user, municipality, "set_up_budgets")


def can_run_budgets(user: Person, municipality: Municipality) -> bool:
    return has_permission(user, municipality, "run_budgets")


def can_see_process(user: Person, process: Process) -> bool:
    return process.phase != ProcessPhase.DRAFT or can_run_budgets(user, process.municipality)


def results_public(process: Process) -> bool:
    return process.phase in PUBLISHED


def can_see_results(user: Person, process: Process) -> bool:
    """Everyone once the results are published; those who run the process from the count on."""
    return results_public(process) or can_run_budgets(user, process.municipality)


def access_process(user: Person, process_id: Any, *, municipality: Municipality | None = None) -> Process:
    """The process if this person may see it, in `municipality` when one is named; else NotFound."""
    processes = Process.objects.select_related("municipality")
    return access_visible(user, processes, process_id, can_see_process, municipality=municipality)


def access_budget(
    user: Person, budget_id: Any, *, process: Process | None = None, municipality: Municipality | None = None
) -> Budget:
    """A budget of a process this person may see (of `process` when one is named); else NotFound."""
    budgets = Budget.objects.select_related("process__municipality", "district")
    if process is not None:
        budgets = budgets.filter(process=process)
    if municipality is not None:
        budgets = budgets.filter(process__municipality=municipality)
    budget = budgets.filter(pk=parse_pk(budget_id)).first()
    if budget is None:
        raise NotFound()
    owner = budget.process
    if not is_live(user, owner.municipality) or not can_see_process(user, owner):
        raise NotFound()
    return budget


def access_proposal(user: Person, proposal_id: Any, *, process: Process) -> Proposal:
    proposal = (
        Proposal.objects.select_related("budget__district", "author", "reviewed_by")
        .filter(process=process, pk=parse_pk(proposal_id))
        .first()
    )
    if proposal is None:
        raise NotFound()
    proposal.process = process
    return proposal


def access_budgets_staff(user: Person, slug: str) -> Municipality:
    """The municipality for one who runs its budgeting (officials and admins); else NotFound."""
    municipality = access_municipality(user, slug)
    if not can_run_budgets(user, municipality):
        raise NotFound()
    return municipality


def access_budgets_setup(user: Person, slug: str) -> Municipality:
    """The municipality for one who sets its budgeting up (admins); else NotFound."""
    municipality = access_municipality(user, slug)
    if not can_set_up_budgets(user, municipality):
        raise NotFound()
    return municipality
