"""Reads of comments shared by pages and the API."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from veche.access.roles import has_permission
from veche.comments.models import Comment

# Threads under reports, appeals and initiatives: oldest first, this many comments a page.
THREAD_PAGE_SIZE = 50


def comments_for(*, target: models.Model, viewer: Any) -> QuerySet[Comment]:
    """Comments under `target` that `viewer` may see: hidden ones only to their authors and moderators."""
    comments = Comment.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("author", "municipality")
    municipality: Any = getattr(target, "municipality", target)
    if getattr(viewer, "is_authenticated", False) and has_permission(viewer, municipality, "moderate"):
        return comments
    if getattr(viewer, "is_authenticated", False):
        return comments.filter(Q(hidden_at__isnull=True) | Q(author=viewer))
    return comments.filter(hidden_at__isnull=True)


def comment_page(
    comment: Comment, *, target: models.Model, viewer: Any, page_size: int = THREAD_PAGE_SIZE
) -> int:
    """The page that holds `comment` in the thread under `target` as `viewer` sees it, oldest first
    (by time, then id, as the pages order it) and `page_size` to a page; counted, not listed, since
    a thread may be long."""
    earlier = (
        comments_for(target=target, viewer=viewer)
        .filter(Q(created_at__lt=comment.created_at) | Q(created_at=comment.created_at, id__lt=comment.pk))
        .count()
    )
    return earlier // page_size + 1
