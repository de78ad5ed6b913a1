"""Reads of comments shared by pages and the API."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from veche.access.roles import has_permission
from veche.comments.models import Comment, CommentReaction, ReactionKind

# Threads under reports, appeals and initiatives: oldest first, this many comments a page.
THREAD_PAGE_SIZE = 50


def _sees_hidden(viewer: Any, municipality: Any) -> bool:
    signed_in = bool(getattr(viewer, "is_authenticated", False))
    return signed_in and has_permission(viewer, municipality, "moderate")


def _visible(comments: QuerySet[Comment], viewer: Any) -> QuerySet[Comment]:
    if getattr(viewer, "is_authenticated", False):
        return comments.filter(Q(hidden_at__isnull=True) | Q(author=viewer))
    return comments.filter(hidden_at__isnull=True)


def comments_for(*, target: models.Model, viewer: Any, replies: bool = True) -> QuerySet[Comment]:
    """Comments under `target` that `viewer` may see: hidden ones only to their authors and moderators.

    `replies=False` gives the top comments of the thread (their replies come with `thread_of`); a
    hidden top comment that has replies one may see stays in the thread, veiled, so that its replies
    keep their place."""
    comments = Comment.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("author", "municipality")
    if not replies:
        comments = comments.filter(parent__isnull=True)
    municipality: Any = getattr(target, "municipality", target)
    if _sees_hidden(viewer, municipality):
        return comments
    if replies:
        return _visible(comments, viewer)
    answered = Exists(_visible(Comment.objects.filter(parent=OuterRef("pk")), viewer))
    if getattr(viewer, "is_authenticated", False):
        return comments.filter(Q(hidden_at__isnull=True) | Q(author=viewer) | answered)
    return comments.filter(Q(hidden_at__isnull=True) | answered)


def comment_page(
    comment: Comment, *, target: models.Model, viewer: Any, page_size: int = THREAD_PAGE_SIZE
) -> int:
    """The page that holds `comment` (a reply: its top comment) in the thread under `target` as
    `viewer` sees it, top comments oldest first (by time, then id, as the pages order them) and
    `page_size` to a page; counted, not listed, since a thread may be long."""
    top = comment.parent or comment
    earlier = (
        comments_for(target=target, viewer=viewer, replies=False)
        .filter(Q(created_at__lt=top.created_at) | Q(created_at=top.created_at, id__lt=top.pk))
        .count()
    )
    return earlier // page_size + 1


@dataclass
class Entry:
    """A comment as a thread shows it: its marks, the viewer's own, whether its text is veiled (hidden
    from this viewer but kept for its replies), and its replies (for a top comment)."""

    comment: Comment
    counts: dict[str, int] = field(default_factory=dict)
    mine: set[str] = field(default_factory=set)
    veiled: bool = False
    replies: list["Entry"] = field(default_factory=list)

    @property
    def marks(self) -> list[tuple[str, str, int, bool]]:
        """(kind, label, count, marked by the viewer) for each kind of mark."""
        choices = ReactionKind.choices
        return [(kind, str(label), self.counts.get(kind, 0), kind in self.mine) for kind, label in choices]


def reaction_counts(ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """{comment id: {kind: count}} in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        CommentReaction.objects.filter(comment_id__in=list(ids))
        .values("comment_id", "kind")
        .annotate(n=Count("id"))
        .values_list("comment_id", "kind", "n")
    )
    for comment_id, kind, n in rows:
        counts[comment_id][kind] = n
    return counts


def thread_of(comments: Iterable[Comment], *, viewer: Any) -> list[Entry]:
    """The top comments of a page of a thread with their replies and marks: three queries at most,
    however long the page. Replies among `comments` (a view that gave all comments) are shown under
    their top comment only."""
    tops = [c for c in comments if c.parent_id is None]
    if not tops:
        return []
    municipality = tops[0].municipality
    sees_hidden = _sees_hidden(viewer, municipality)
    viewer_id = getattr(viewer, "pk", None) if getattr(viewer, "is_authenticated", False) else None
    replies = Comment.objects.filter(parent__in=tops).select_related("author", "municipality")
    if not sees_hidden:
        replies = _visible(replies, viewer)
    answers = list(replies.order_by("created_at", "id"))
    everyone = tops + answers
    counts = reaction_counts(c.pk for c in everyone)
    mine: dict[int, set[str]] = defaultdict(set)
    if viewer_id is not None:
        for comment_id, kind in CommentReaction.objects.filter(
            comment__in=everyone, user_id=viewer_id
        ).values_list("comment_id", "kind"):
            mine[comment_id].add(kind)

    def entry(comment: Comment) -> Entry:
        veiled = comment.is_hidden and not sees_hidden and comment.author_id != viewer_id
        return Entry(comment, counts.get(comment.pk, {}), mine.get(comment.pk, set()), veiled)

    entries = {c.pk: entry(c) for c in tops}
    for answer in answers:
        entries[answer.parent_id or 0].replies.append(entry(answer))
    return list(entries.values())


def with_marks(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """`comments` annotated with `marks_<kind>`: how many marked each, counted in the same query."""
    return comments.annotate(
        **{
            f"marks_{kind}": Count("reactions", filter=Q(reactions__kind=kind))
            for kind in ReactionKind.values
        }
    )
