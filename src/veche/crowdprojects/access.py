"""Access to crowd projects: who sets them up, who runs one, who sees a project and its ideas.

Municipal admins open projects and edit their timelines ("set_up_projects"). A project is run
("run_projects": merging ideas, inviting experts, selecting, milestones, documents, meetings) by
the municipal admins and by the officials of its organising department. Published projects are
public; a draft is seen only by those who set projects up and by its organisers.
"""

from typing import Any

from django.utils.translation import gettext as _

from veche.access.functions import access_municipality, access_visible, is_visible
from veche.access.predicates import Decision, Feature, Phase, admits_district, allows
from veche.access.roles import OFFICIAL, Person, has_permission, is_signed_in, verified_district
from veche.core.errors import NotFound
from veche.crowdprojects.models import Idea, Project
from veche.municipalities.models import Membership, Municipality


def can_set_up_projects(user: Person, municipality: Municipality) -> bool:
    return has_permission(user, municipality, "set_up_projects")


def can_run(user: Person, project: Project) -> bool:
    """Municipal admins run every project of the municipality; officials those of their department."""
    municipality = project.municipality
    if can_set_up_projects(user, municipality):
        return True
    return has_permission(user, municipality, "run_projects") and _official_of(user, project)


def _official_of(user: Person, project: Project) -> bool:
    if not is_signed_in(user) or project.department_id is None:
        return False
    return Membership.objects.filter(
        user=user, municipality_id=project.municipality_id, role=OFFICIAL, department_id=project.department_id
    ).exists()


def require_run(user: Person, project: Project) -> None:
    """For the writes of those who run a project (`can_run`): NotFound for anyone else, so nobody learns
    what they may not touch. The one check every part's staff services make."""
    if not can_run(user, project):
        raise NotFound()


def can_see_project(user: Person, project: Project) -> bool:
    return (
        project.published_at is not None
        or can_set_up_projects(user, project.municipality)
        or can_run(user, project)
    )


def access_project(user: Person, project_id: Any, *, municipality: Municipality | None = None) -> Project:
    """The project if this person may see it, in `municipality` when one is named; else NotFound."""
    projects = Project.objects.select_related("municipality", "department")
    return access_visible(user, projects, project_id, can_see_project, municipality=municipality)


def access_project_to_run(user: Person, project_id: Any, *, municipality: Municipality) -> Project:
    project = access_project(user, project_id, municipality=municipality)
    if not can_run(user, project):
        raise NotFound()
    return project


def access_project_to_set_up(user: Person, project_id: Any, *, municipality: Municipality) -> Project:
    project = access_project(user, project_id, municipality=municipality)
    if not can_set_up_projects(user, project.municipality):
        raise NotFound()
    return project


def access_projects_staff(user: Person, slug: str) -> Municipality:
    """The municipality for one who sets projects up or runs one; NotFound for everyone else."""
    municipality = access_municipality(user, slug)
    if not has_permission(user, municipality, "run_projects"):
        raise NotFound()
    return municipality


def access_projects_setup(user: Person, slug: str) -> Municipality:
    """The municipality for one who sets projects up; NotFound for everyone else."""
    municipality = access_municipality(user, slug)
    if not can_set_up_projects(user, municipality):
        raise NotFound()
    return municipality


def can_see_idea(user: Person, idea: Idea) -> bool:
    """An idea is public with its project; hidden by a moderator, its author and moderators see it."""
    return can_see_project(user, idea.project) and is_visible(user, idea, idea.author)


def access_idea(user: Person, idea_id: Any, *, project: Project) -> Idea:
    """An idea of `project` by the id a request names, as this person may see it; else NotFound."""
    ideas = Idea.objects.select_related("municipality", "author", "project", "project__municipality").filter(
        project=project
    )
    return access_visible(user, ideas, idea_id, can_see_idea)


def district_decision(user: Person, project: Project) -> Decision:
    """Whether `user` lives where `project` is open (no districts: everywhere)."""
    scope = set(project.districts.values_list("pk", flat=True))
    if admits_district(scope, verified_district(user=user, municipality=project.municipality)):
        return Decision(True)
    return Decision(False, _("Only residents verified in the project's districts can take part."))


def take_part(user: Person, project: Project, feature: Feature, phase: Phase) -> Decision:
    """Whether `user` may use `feature` in `project` now: `allows` (the stage and the tier), then the
    project's districts. The one rule of every part's "may this resident take part"."""
    decision = allows(user, project.municipality, feature, phase)
    if not decision:
        return decision
    return district_decision(user, project)
