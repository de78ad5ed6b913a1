"""Access to initiatives: who sees one, who edits a draft, who answers and tracks the implementation.

Officials and municipal admins answer initiatives (the roles table's "answer_initiatives"), and run
the vote on their options, which needs "manage_polls" too.
"""

from typing import Any

from veche.access.functions import access_visible, is_author, is_visible, parse_pk
from veche.access.roles import has_permission
from veche.core.errors import NotFound
from veche.initiatives.models import ImplementationMilestone, Initiative
from veche.municipalities.models import Municipality


def is_initiative_author(user: Any, initiative: Initiative) -> bool:
    return is_author(user, initiative)


def can_answer_initiatives(user: Any, municipality: Municipality) -> bool:
    return has_permission(user, municipality, "answer_initiatives")


def can_see_initiative(user: Any, initiative: Initiative) -> bool:
    """A draft is its author's alone; a published initiative is public unless a moderator hid it."""
    if initiative.is_draft:
        return is_initiative_author(user, initiative)
    return is_visible(user, initiative, initiative.author)


def access_initiative(
    user: Any, initiative_id: Any, *, municipality: Municipality | None = None
) -> Initiative:
    """The initiative if this person may see it, in `municipality` when one is named; else NotFound."""
    initiatives = Initiative.objects.select_related(
        "municipality", "author", "district", "answered_by", "poll", "chosen_option"
    )
    return access_visible(user, initiatives, initiative_id, can_see_initiative, municipality=municipality)


def access_initiative_draft(
    user: Any, initiative_id: Any, *, municipality: Municipality | None = None
) -> Initiative:
    """The initiative for its author (to edit or publish a draft); NotFound for everyone else."""
    initiative = access_initiative(user, initiative_id, municipality=municipality)
    if not is_initiative_author(user, initiative):
        raise NotFound()
    return initiative


def access_initiative_to_answer(
    user: Any, initiative_id: Any, *, municipality: Municipality | None = None
) -> Initiative:
    """The initiative for one who answers for its municipality; NotFound for everyone else."""
    initiative = access_initiative(user, initiative_id, municipality=municipality)
    if not can_answer_initiatives(user, initiative.municipality):
        raise NotFound()
    return initiative


def access_milestone(user: Any, initiative: Initiative, milestone_id: Any) -> ImplementationMilestone:
    """A milestone of `initiative` for one who answers for its municipality; else NotFound."""
    if not can_answer_initiatives(user, initiative.municipality):
        raise NotFound()
    milestone = ImplementationMilestone.objects.filter(
        pk=parse_pk(milestone_id), initiative=initiative
    ).first()
    if milestone is None:
        raise NotFound()
    milestone.initiative = initiative
    return milestone
