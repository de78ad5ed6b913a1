"""The parts of a project's page, registered by the parts of a project (ideas, voting, meetings, a
drafted text...): the page knows none of them and shows each registered section in its order.

A section gives a template (included with the page's context plus its own) and a function that
returns its own context, or None when it has nothing to show for this project (a project without a
drafting stage shows no text). Sections are read with a fixed number of queries each, whatever the
number of ideas.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from veche.crowdprojects.models import Project, Stage


@dataclass(frozen=True)
class Page:
    """What every section is given: the request, the project, its stages and the one running."""

    request: HttpRequest
    project: Project
    stages: list[Stage]
    current: Stage | None


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    context: Callable[[Page], dict[str, Any] | None]


_registry: dict[str, Section] = {}


def register(
    key: str, *, order: int, template: str, context: Callable[[Page], dict[str, Any] | None]
) -> None:
    _registry[key] = Section(key, order, template, context)


def sections_for(page: Page) -> list[tuple[Section, dict[str, Any]]]:
    """The sections that have something to show on `page`, in order, each with its context."""
    shown = []
    for section in sorted(_registry.values(), key=lambda s: (s.order, s.key)):
        context = section.context(page)
        if context is not None:
            shown.append((section, context))
    return shown
