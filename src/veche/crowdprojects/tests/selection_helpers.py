"""What the selection's and the implementation's tests share: ideas, decisions, a project whose
taken-up idea is being carried out."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Idea, IdeaStatus, Milestone, Project, StageKind
from veche.crowdprojects.services.implementation import milestone_add
from veche.crowdprojects.services.selection import idea_decide, project_selection_publish
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.municipalities.models import Municipality

REASON = "The park needs it, and the budget allows it this year."


def idea_in(project: Project, author: User, title: str = "A fountain") -> Idea:
    return Idea.objects.create(
        municipality=project.municipality,
        project=project,
        author=author,
        title=title,
        body="A fountain by the pond, with benches around it.",
        created_at=timezone.now(),
    )


def decide(actor: User, idea: Idea, *, selected: bool = True, **extra: Any) -> Any:
    if selected:
        extra.setdefault("responsible", "Parks service")
        extra.setdefault("planned_by", timezone.localdate() + timedelta(days=90))
    return idea_decide(actor=actor, idea=idea, selected=selected, reason=REASON, **extra)


@dataclass
class Implementing:
    project: Project
    taken_up: Idea
    declined: Idea
    milestone: Milestone


def implementing(*, actor: User, municipality: Municipality, author: User, **settings: Any) -> Implementing:
    """A project in its implementation stage whose published selection took up one idea (with one
    milestone) and declined another."""
    project = project_in_stage(
        actor=actor, municipality=municipality, kind=StageKind.IMPLEMENTATION, **settings
    )
    taken_up, declined = idea_in(project, author, "A fountain"), idea_in(project, author, "A car park")
    decide(actor, taken_up)
    decide(actor, declined, selected=False)
    project_selection_publish(actor=actor, project=project)
    taken_up.refresh_from_db()
    declined.refresh_from_db()
    assert taken_up.status == IdeaStatus.SELECTED
    milestone = milestone_add(
        actor=actor, idea=taken_up, title="Lay the pipes", due_on=timezone.localdate() + timedelta(days=30)
    )
    return Implementing(project, taken_up, declined, milestone)
