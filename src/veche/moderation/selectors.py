"""Reads of moderation: the queue of flagged content of a municipality."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Min

from veche.moderation.models import Flag
from veche.moderation.registry import lookup, registered
from veche.municipalities.models import Municipality


@dataclass
class QueueItem:
    label: str
    content: Any
    url: str
    excerpt: str
    flags: int
    first_flagged: datetime
    last_flagged: datetime
    reasons: list[str] = field(default_factory=list)


def moderation_queue(*, municipality: Municipality) -> list[QueueItem]:
    """Flagged content with open flags, most flagged first; one query per content type."""
    rows = list(
        Flag.objects.filter(municipality=municipality, resolved_at__isnull=True)
        .values("content_type__app_label", "content_type__model", "object_id")
        .annotate(flags=Count("id"), first=Min("created_at"), last=Max("created_at"))
        .order_by("-flags", "first")
    )
    reasons: dict[tuple[str, int], list[str]] = {}
    for label_parts in Flag.objects.filter(municipality=municipality, resolved_at__isnull=True).values_list(
        "content_type__app_label", "content_type__model", "object_id", "reason"
    ):
        app, model, object_id, reason = label_parts
        reasons.setdefault((f"{app}.{model}", object_id), []).append(str(Flag.Reason(reason).label))
    by_label: dict[str, list[int]] = {}
    for row in rows:
        by_label.setdefault(f"{row['content_type__app_label']}.{row['content_type__model']}", []).append(
            row["object_id"]
        )
    contents: dict[tuple[str, int], Any] = {}
    for label, ids in by_label.items():
        flaggable = lookup(label)
        if flaggable is None:
            continue
        for obj in flaggable.model._default_manager.filter(pk__in=ids).select_related(*flaggable.related):
            contents[(label, obj.pk)] = obj
    items = []
    for row in rows:
        label = f"{row['content_type__app_label']}.{row['content_type__model']}"
        content = contents.get((label, row["object_id"]))
        flaggable = lookup(label)
        if content is None or flaggable is None:
            continue
        items.append(
            QueueItem(
                label=label,
                content=content,
                url=flaggable.url(content),
                excerpt=flaggable.excerpt(content),
                flags=row["flags"],
                first_flagged=row["first"],
                last_flagged=row["last"],
                reasons=sorted(set(reasons.get((label, row["object_id"]), []))),
            )
        )
    return items


@dataclass
class HiddenItem:
    label: str
    content: Any
    url: str
    excerpt: str


def recently_hidden(*, municipality: Municipality, limit: int = 20) -> list[HiddenItem]:
    """Hidden content of the municipality, newest first, so a moderator can restore it."""
    items: list[HiddenItem] = []
    for label, flaggable in registered():
        manager: Any = flaggable.model._default_manager
        for content in (
            manager.filter(municipality=municipality, hidden_at__isnull=False)
            .select_related(*flaggable.related)
            .order_by("-hidden_at")[:limit]
        ):
            items.append(HiddenItem(label, content, flaggable.url(content), flaggable.excerpt(content)))
    items.sort(key=lambda item: item.content.hidden_at, reverse=True)
    return items[:limit]
