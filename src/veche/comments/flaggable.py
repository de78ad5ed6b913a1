"""Comments can be flagged and hidden."""

from django.urls import reverse

from veche.comments.models import Comment
from veche.moderation.registry import register


def comment_url(comment: Comment) -> str:
    return reverse("comments:detail", args=[comment.municipality.slug, comment.pk])


register(
    Comment,
    url=comment_url,
    excerpt=lambda c: c.body[:300],
    author=lambda c: c.author,
    related=("municipality",),
)
