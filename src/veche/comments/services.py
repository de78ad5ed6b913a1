"""Every write to comments."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from veche.access.predicates import OPEN_DISCUSSION, Feature, Phase, allows
from veche.accounts.models import User
from veche.comments.flaggable import comment_url
from veche.comments.models import Comment
from veche.core.errors import DomainError, Forbidden
from veche.municipalities.models import Municipality
from veche.notifications.services import follow, notify_followers


@transaction.atomic
def comment_create(
    *,
    author: User,
    municipality: Municipality,
    target: models.Model,
    body: str,
    phase: Phase = OPEN_DISCUSSION,
) -> Comment:
    """Add a comment under `target`; the author follows it from then on."""
    decision = allows(author, municipality, Feature.COMMENT, phase)
    if not decision:
        raise Forbidden(decision.reason)
    body = body.strip()
    if not body:
        raise DomainError(_("Write something first."), fields={"body": [_("This field is required.")]})
    if len(body) > settings.TEXT_MAX_LENGTH:
        raise DomainError(fields={"body": [_("At most %(n)d characters.") % {"n": settings.TEXT_MAX_LENGTH}]})
    if "\x00" in body:
        raise DomainError(fields={"body": [_("The text contains characters that are not allowed.")]})
    comment = Comment.objects.create(
        municipality=municipality,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        author=author,
        body=body,
    )
    notify_followers(
        target=target,
        kind="comment.created",
        title=_("New comment"),
        body=body[:500],
        url=comment_url(comment),
        exclude=author,
    )
    follow(user=author, target=target)
    return comment
