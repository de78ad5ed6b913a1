"""Access to appeals: who sees an appeal, who answers it, who closes it."""

from typing import Any

from veche.access.functions import access_visible, is_author, is_visible
from veche.access.roles import has_permission
from veche.appeals.models import Appeal
from veche.core.errors import NotFound
from veche.municipalities.models import Municipality


def is_appeal_author(user: Any, appeal: Appeal) -> bool:
    return is_author(user, appeal)


def can_answer_appeals(user: Any, municipality: Municipality) -> bool:
    return has_permission(user, municipality, "answer_appeals")


def can_see_appeal(user: Any, appeal: Appeal) -> bool:
    """Every appeal is public unless a moderator hid it: then its author and moderators see it."""
    return is_visible(user, appeal, appeal.author)


def access_appeal(user: Any, appeal_id: Any, *, municipality: Municipality | None = None) -> Appeal:
    """The appeal if this person may see it, in `municipality` when one is named; else NotFound."""
    appeals = Appeal.objects.select_related("municipality", "author", "answered_by")
    return access_visible(user, appeals, appeal_id, can_see_appeal, municipality=municipality)


def access_appeal_to_answer(user: Any, appeal_id: Any, *, municipality: Municipality | None = None) -> Appeal:
    """The appeal for one who answers for its municipality; NotFound for everyone else."""
    appeal = access_appeal(user, appeal_id, municipality=municipality)
    if not can_answer_appeals(user, appeal.municipality):
        raise NotFound()
    return appeal
