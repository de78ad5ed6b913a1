"""Reads of comments shared by pages and the API."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet

from veche.access.roles import has_permission
from veche.comments.models import Comment


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
