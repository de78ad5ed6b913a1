"""CrowdWisdom's discussion: comments under an idea, with a side (for, against, neutral), replies and
marks, through the comments app; here only what a crowd project adds: its stage, its tier and its
districts decide who may write or mark now."""

from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from veche.access.predicates import Decision, Feature, Phase
from veche.access.roles import Person
from veche.accounts.models import User
from veche.comments import rules
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.errors import Conflict, Forbidden, NotFound
from veche.crowdprojects.access import take_part
from veche.crowdprojects.models import Idea, IdeaStatus
from veche.crowdprojects.selectors import current_phase
from veche.municipalities.models import Municipality


def comment_decision(user: Person, idea: Idea, now: datetime | None = None) -> Decision:
    """Whether `user` may comment on (or mark comments under) `idea` now."""
    return take_part(user, idea.project, Feature.COMMENT, current_phase(idea.project, now))


def idea_comment(
    *,
    author: User,
    municipality: Municipality,
    target: models.Model,
    body: str,
    phase: Phase | None = None,
    parent_id: int | None = None,
    stance: str = "",
) -> Comment:
    """A comment under an idea: the project's stage (`Feature.COMMENT`), tier and districts, then
    `comment_create` (which takes the side and the reply). `phase` is the stage's, computed here when
    not given."""
    if not isinstance(target, Idea):
        raise NotFound()
    idea = target
    if idea.is_hidden or idea.status == IdeaStatus.MERGED:
        raise Conflict(_("This idea is closed for discussion."), code="idea_closed")
    phase = phase or current_phase(idea.project)
    decision = take_part(author, idea.project, Feature.COMMENT, phase)
    if not decision:
        raise Forbidden(decision.reason)
    return comment_create(
        author=author,
        municipality=municipality,
        target=idea,
        body=body,
        phase=phase,
        parent_id=parent_id,
        stance=stance,
    )


def _may_react(user: Person, target: Any) -> Decision:
    return comment_decision(user, target)


rules.register(Idea, stances=True, may_react=_may_react)
