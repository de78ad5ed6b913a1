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
from veche.comments.models import Comment
from veche.core.errors import Conflict, Forbidden
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
) -> Comment:
    """Add a comment under `target`; the author follows it from then on.

    The same text by the same author under the same target within REPEAT_WINDOW is the comment
    already there, returned again: a repeated POST stores and notifies nothing.
    """
    decision = allows(author, municipality, Feature.COMMENT, phase)
    if not decision:
        raise Forbidden(decision.reason)
    body = check_text(body, "body")
    target_type = ContentType.objects.get_for_model(target)
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
