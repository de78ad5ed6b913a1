"""Access to deliberations: who runs one, who sees it and its statements, who may take part now.

A project's deliberation is run by those who run the project (`crowdprojects.access.can_run`) and
seen with it. A standalone one is run by those who set projects up in the municipality and by the
officials with "run_projects" of its organising department. Published deliberations are public; a
draft is seen only by those who run it. Accepted statements are public; a pending or rejected one
is seen by its author, those who run the deliberation and moderators.
"""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from veche.access.functions import access_visible, is_visible
from veche.access.predicates import Decision, Feature, admits_district, allows
from veche.access.roles import OFFICIAL, Person, has_permission, is_signed_in, verified_district
from veche.core.errors import NotFound
from veche.crowdprojects.access import can_run, can_see_project, can_set_up_projects, take_part
from veche.deliberation.models import Deliberation, Statement, StatementStatus
from veche.deliberation.phases import deliberation_phase
from veche.municipalities.models import Membership, Municipality


def can_run_deliberation(user: Person, deliberation: Deliberation) -> bool:
    """A project's: those who run the project. A standalone one: those who set projects up, and the
    officials ("run_projects") of its department."""
    if deliberation.project is not None:
        return can_run(user, deliberation.project)
    municipality = deliberation.municipality
    if can_set_up_projects(user, municipality):
        return True
    if not is_signed_in(user) or deliberation.department_id is None:
        return False
    return has_permission(user, municipality, "run_projects") and (
        Membership.objects.filter(
            user=user, municipality=municipality, role=OFFICIAL, department_id=deliberation.department_id
        ).exists()
    )


def can_moderate_statements(user: Person, deliberation: Deliberation) -> bool:
    """Accepting and rejecting statements: those who run the deliberation and the moderators."""
    return can_run_deliberation(user, deliberation) or has_permission(
        user, deliberation.municipality, "moderate"
    )


def can_see_deliberation(user: Person, deliberation: Deliberation) -> bool:
    if deliberation.project is not None and not can_see_project(user, deliberation.project):
        return False
    return deliberation.published_at is not None or can_run_deliberation(user, deliberation)


def access_deliberation(
    user: Person, deliberation_id: Any, *, municipality: Municipality | None = None
) -> Deliberation:
    """The deliberation a request names, in `municipality` when one is named, if this person may see
    it; else NotFound."""
    deliberations = Deliberation.objects.select_related(
        "municipality", "department", "project", "project__municipality", "project__department"
    )
    return access_visible(
        user, deliberations, deliberation_id, can_see_deliberation, municipality=municipality
    )


def access_deliberation_to_run(
    user: Person, deliberation_id: Any, *, municipality: Municipality | None = None
) -> Deliberation:
    deliberation = access_deliberation(user, deliberation_id, municipality=municipality)
    if not can_run_deliberation(user, deliberation):
        raise NotFound()
    return deliberation


def require_run_deliberation(user: Person, deliberation: Deliberation) -> None:
    """For the writes of those who run a deliberation: NotFound for anyone else."""
    if not can_run_deliberation(user, deliberation):
        raise NotFound()


def can_see_statement(user: Person, statement: Statement) -> bool:
    """Accepted (and not hidden by a moderator): everyone who sees the deliberation. Pending or
    rejected: its author, those who run the deliberation and moderators."""
    deliberation = statement.deliberation
    if not can_see_deliberation(user, deliberation):
        return False
    if statement.status != StatementStatus.ACCEPTED:
        if is_signed_in(user) and statement.author_id == user.pk:
            return True
        return can_moderate_statements(user, deliberation)
    return is_visible(user, statement, statement.author)


def access_statement(user: Person, statement_id: Any, *, deliberation: Deliberation) -> Statement:
    """A statement of `deliberation` by the id (not the number) a request names, as this person may see
    it; else NotFound."""
    statements = Statement.objects.select_related("municipality", "author", "deliberation").filter(
        deliberation=deliberation
    )
    return access_visible(user, statements, statement_id, can_see_statement)


def district_decision(user: Person, deliberation: Deliberation) -> Decision:
    """Whether `user` lives where a standalone `deliberation` is open (no districts: everywhere)."""
    scope = set(deliberation.districts.values_list("pk", flat=True))
    if admits_district(scope, verified_district(user=user, municipality=deliberation.municipality)):
        return Decision(True)
    return Decision(False, _("Only residents verified in the deliberation's districts can take part."))


def can_deliberate(user: Person, deliberation: Deliberation, now: datetime) -> Decision:
    """Whether `user` may answer and add statements now: a project's deliberation by the project's
    rules (`take_part`: its stage, tier and districts), a standalone one by its own dates, tier and
    districts. Refused with `closed` when the deliberation is not open to anyone."""
    phase = deliberation_phase(deliberation, now)
    if deliberation.project is not None:
        return take_part(user, deliberation.project, Feature.DELIBERATE, phase)
    decision = allows(user, deliberation.municipality, Feature.DELIBERATE, phase)
    if not decision:
        return decision
    return district_decision(user, deliberation)
