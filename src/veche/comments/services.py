"""Every write to comments."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from veche.access.predicates import OPEN_DISCUSSION, Feature, Phase, allows
from veche.accounts.models import User
from veche.comments.flaggable import comment_url
from veche.comments.models import Comment, CommentReaction, ReactionKind, Stance
from veche.comments.rules import may_react, uses_stances
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.sanitize import markdown_text
from veche.core.text import check_text
from veche.municipalities.models import Municipality
from veche.notifications.messages import message
from veche.notifications.services import follow, notify_followers

REPEAT_WINDOW = timedelta(minutes=10)


@transaction.atomic
def comment_create(
    *,
    author: User,
    municipality: Municipality,
    target: models.Model,
    body: str,
    phase: Phase = OPEN_DISCUSSION,
    parent_id: int | None = None,
    stance: str = "",
) -> Comment:
    """Add a comment under `target`; the author follows it from then on.

    `parent_id` answers a comment under the same target; an answer to an answer is kept under the
    top comment (two levels, shown flat). `stance` ("for", "against", "neutral") only where the
    target uses stances (`rules.register(..., stances=True)`); elsewhere it is refused.

    The same text by the same author under the same target within REPEAT_WINDOW is the comment
    already there, returned again: a repeated POST stores and notifies nothing.
    """
    decision = allows(author, municipality, Feature.COMMENT, phase)
    if not decision:
        raise Forbidden(decision.reason)
    body = check_text(body, "body")
    target_type = ContentType.objects.get_for_model(target)
    stance = _check_stance(target, stance)
    parent = _parent(target_type, target, parent_id)
    # A form sent twice (a double click, a reload that posts again, two tabs at once) is one comment.
    # The author's row is locked so that two copies arriving together are checked one after the other.
    # FOR NO KEY UPDATE (PostgreSQL; SQLite writes one transaction at a time): two of them still
    # exclude each other, but the notices that other followers' comments leave for this author take
    # KEY SHARE on this row, which FOR UPDATE would block; two followers commenting at once deadlocked.
    User.objects.select_for_update(no_key=True).filter(pk=author.pk).first()
    repeated = (
        Comment.objects.filter(
            target_type=target_type,
            target_id=target.pk,
            author=author,
            body=body,
            parent=parent,
            stance=stance,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if repeated is not None:
        if repeated.hidden_at is not None:
            raise Conflict(
                _("A moderator hid this comment; posting it again does not bring it back."),
                code="comment_hidden",
            )
        return repeated
    comment = Comment.objects.create(
        municipality=municipality,
        target_type=target_type,
        target_id=target.pk,
        author=author,
        body=body,
        parent=parent,
        stance=stance,
    )
    notify_followers(
        target=target,
        kind="comment.created",
        title=message(gettext_noop("New comment")),
        body=markdown_text(body)[:500],
        url=comment_url(comment),
        exclude=author,
    )
    follow(user=author, target=target)
    return comment


def _check_stance(target: models.Model, stance: str) -> str:
    if not stance:
        return ""
    if not uses_stances(target):
        raise DomainError(fields={"stance": [_("Comments here take no side.")]})
    if stance not in Stance.values:
        raise DomainError(fields={"stance": [_("Choose for, against or neutral.")]})
    return stance


def _parent(target_type: ContentType, target: models.Model, parent_id: int | None) -> Comment | None:
    """The top comment a reply goes under: `parent_id`'s, or its own parent's when it is a reply."""
    if parent_id is None:
        return None
    parent = Comment.objects.filter(pk=parent_id, target_type=target_type, target_id=target.pk).first()
    if parent is None:
        raise DomainError(fields={"parent_id": [_("Answer a comment of this discussion.")]})
    if parent.parent_id is not None:
        return Comment.objects.get(pk=parent.parent_id)
    return parent


@transaction.atomic
def comment_react(*, user: User, comment: Comment, kind: str) -> bool:
    """Mark `comment` with `kind` ("agree", "useful"), or take the mark back when it is there: True
    when it is marked now. Once per person and kind (a unique constraint); pressed twice at once, one
    mark or none, never two. Not on one's own comment, nor on a hidden one."""
    if kind not in ReactionKind.values:
        raise DomainError(fields={"kind": [_("Choose a kind of mark.")]})
    target = comment.target
    if target is None:
        raise NotFound()
    decision = may_react(user, target, comment.municipality)
    if not decision:
        raise Forbidden(decision.reason)
    if Comment.objects.filter(pk=comment.pk, hidden_at__isnull=False).exists():
        raise Conflict(_("A moderator hid this comment."), code="comment_hidden")
    if comment.author_id == user.pk:
        raise DomainError(fields={"kind": [_("You cannot mark your own comment.")]})
    # The person's row is locked, so that one person's presses are taken one after the other.
    User.objects.select_for_update(no_key=True).filter(pk=user.pk).first()
    deleted, _rows = CommentReaction.objects.filter(comment=comment, user=user, kind=kind).delete()
    if deleted:
        return False
    CommentReaction.objects.create(comment=comment, user=user, kind=kind)
    return True
