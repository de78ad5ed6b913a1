"""Which kinds of content can be flagged and hidden, how moderation finds their parts, and who else
hears when content is hidden or restored (`listen`)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from veche.moderation.models import Moderated


@dataclass(frozen=True)
class Flaggable:
    model: type[Moderated]
    url: Callable[[Any], str]
    excerpt: Callable[[Any], str]
    author: Callable[[Any], Any]
    # Relations that `url`, `excerpt` and `author` follow, fetched with the content in one query.
    related: tuple[str, ...] = ()
    # Who may see it, beyond "hidden content only to its author and moderators" (which always applies).
    visible: Callable[[Any, Any], bool] | None = None
    # Called in the transaction that hid (True) or restored (False) the content, after it is saved.
    on_hidden: Callable[[Any, bool], None] | None = None


_registry: dict[str, Flaggable] = {}
# Called with (content, hidden) for every kind of content, in the transaction that hid or restored it,
# after the kind's own `on_hidden`: what other apps keep about content (recognition's points) follows.
_listeners: list[Callable[[Any, bool], None]] = []


def register(
    model: type[Moderated],
    *,
    url: Callable[[Any], str],
    excerpt: Callable[[Any], str],
    author: Callable[[Any], Any],
    related: tuple[str, ...] = (),
    visible: Callable[[Any, Any], bool] | None = None,
    on_hidden: Callable[[Any, bool], None] | None = None,
) -> None:
    _registry[model._meta.label_lower] = Flaggable(model, url, excerpt, author, related, visible, on_hidden)


def listen(callback: Callable[[Any, bool], None]) -> None:
    """Call `callback(content, hidden)` whenever a moderator hides or restores any content."""
    if callback not in _listeners:
        _listeners.append(callback)


def listeners() -> tuple[Callable[[Any, bool], None], ...]:
    return tuple(_listeners)


def lookup(label: str) -> Flaggable | None:
    return _registry.get(label)


def for_instance(instance: models.Model) -> Flaggable:
    return _registry[instance._meta.label_lower]


def registered() -> list[tuple[str, Flaggable]]:
    return sorted(_registry.items())
