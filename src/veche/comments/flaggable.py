"""Comments can be flagged and hidden."""

from typing import Any

from django.urls import reverse

from veche.access.functions import can_see
from veche.comments.models import Comment
from veche.moderation.registry import register


def comment_url(comment: Comment) -> str:
    return reverse("comments:detail", args=[comment.municipality.slug, comment.pk])


def _under_visible_content(user: Any, comment: Comment) -> bool:
    # A comment is seen only by those who see what it is under (a hidden appeal, an unmoderated report).
    return can_see(user, comment.target)


register(
    Comment,
    url=comment_url,
    excerpt=lambda c: c.body[:300],
    author=lambda c: c.author,
    related=("municipality",),
    visible=_under_visible_content,
)
