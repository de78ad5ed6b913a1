"""What the voting tests share: a project in its voting stage with ideas, and the end of voting."""

from datetime import timedelta

from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Idea, IdeaStatus, Project, Stage, StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.municipalities.models import Municipality

TITLES = ("Benches", "Lights", "A fountain", "Trees")


def voting_project(
    *, actor: User, municipality: Municipality, author: User, kind: str = StageKind.VOTING, **settings: object
) -> tuple[Project, list[Idea]]:
    """A project whose voting stage runs now (or the stage `kind`), with four ideas on its ballot."""
    project = project_in_stage(actor=actor, municipality=municipality, kind=kind, **settings)
    now = timezone.now()
    ideas = [
        Idea.objects.create(
            municipality=municipality,
            project=project,
            author=author,
            title=title,
            body=f"{title} in the park by the river",
            created_at=now - timedelta(days=30, minutes=i),
            status=IdeaStatus.PUBLISHED,
        )
        for i, title in enumerate(TITLES)
    ]
    return project, ideas


def end_voting(project: Project) -> None:
    """Move the timeline back so that the voting stage has just ended (the next stage runs)."""
    stages = list(Stage.objects.filter(project=project).order_by("position"))
    voting = next(stage for stage in stages if stage.kind == StageKind.VOTING)
    shift = voting.ends_at - timezone.now() + timedelta(minutes=1)
    for stage in stages:
        stage.starts_at -= shift
        stage.ends_at -= shift
    Stage.objects.bulk_update(stages, ["starts_at", "ends_at"])
    Project.objects.filter(pk=project.pk).update(starts_at=stages[0].starts_at, ends_at=stages[-1].ends_at)
