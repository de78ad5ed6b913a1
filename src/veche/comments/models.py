"""Comments: what residents write under any piece of content (the town square, reports, ideas...).

A comment may answer another one (`parent`); the thread is two levels deep, as Decidim keeps it: a
reply to a reply is stored under the top comment. Where the target asks for it (ideas of a crowd
project, see `stances`), a comment takes a side: for, against or neutral. Anyone may mark a comment
("I agree", "useful"): once per person and kind, pressed again to take it back.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from veche.moderation.models import Moderated


class Stance(models.TextChoices):
    FOR = "for", pgettext_lazy("stance", "for")
    AGAINST = "against", pgettext_lazy("stance", "against")
    NEUTRAL = "neutral", pgettext_lazy("stance", "neutral")


class Comment(Moderated):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="comments"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(_("comment"), max_length=settings.TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    # The top comment this one answers (same target); never a reply itself.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    # Blank: no side taken (every target without stances).
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stance__in=["", *Stance.values]), name="comment_stance_known"
            ),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]


class ReactionKind(models.TextChoices):
    AGREE = "agree", _("I agree")
    USEFUL = "useful", _("Useful")


class CommentReaction(models.Model):
    """One person's mark on a comment: once per kind."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user", "kind"], name="comment_reaction_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReactionKind.values), name="comment_reaction_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.comment_id}"
