"""The parts of a person's profile page that other apps add (recognition: their points and badges):
accounts knows none of them and shows each registered section in its order, as a crowd project's page
shows its parts (`crowdprojects.sections`).

A section gives a template (included with the page's context plus its own, as `section`) and a
function of the signed-in person that returns its context, or None when it has nothing to show; each
reads a fixed number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from veche.accounts.models import User


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    context: Callable[[User], dict[str, Any] | None]


_registry: dict[str, Section] = {}


def register(
    key: str, *, order: int, template: str, context: Callable[[User], dict[str, Any] | None]
) -> None:
    _registry[key] = Section(key, order, template, context)


def sections_for(user: User) -> list[tuple[Section, dict[str, Any]]]:
    """The sections that have something to show `user`, in order, each with its context."""
    shown = []
    for section in sorted(_registry.values(), key=lambda s: (s.order, s.key)):
        context = section.context(user)
        if context is not None:
            shown.append((section, context))
    return shown
