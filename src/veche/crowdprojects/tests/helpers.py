"""What the crowd projects' tests share: a project whose chosen stage runs now."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Project, Stage
from veche.crowdprojects.services.projects import project_create, project_publish
from veche.crowdprojects.stages import plan_from_template
from veche.municipalities.models import Municipality


def project_in_stage(
    *,
    actor: User,
    municipality: Municipality,
    kind: str,
    template: str = "full",
    title: str = "How should we rebuild the park?",
    publish: bool = True,
    now: datetime | None = None,
    **settings: Any,
) -> Project:
    """A project made from `template` whose first stage of `kind` runs at `now` (the stages before it
    are over, those after it to come). Stages are written directly: the services refuse a timeline
    in the past, which a test needs."""
    now = now or timezone.now()
    made = project_create(
        actor=actor,
        municipality=municipality,
        title=title,
        description="The park by the river needs new paths, benches and light.",
        template=template,
        starts_at=now + timedelta(days=1),
        **settings,
    )
    plan = plan_from_template(template, starts_at=now)
    kinds = [stage.kind for stage in plan]
    index = kinds.index(kind)
    shift = plan[index].starts_at - (now - timedelta(days=1))
    stages = list(Stage.objects.filter(project=made).order_by("position"))
    for stage, planned in zip(stages, plan, strict=True):
        stage.starts_at, stage.ends_at = planned.starts_at - shift, planned.ends_at - shift
    Stage.objects.bulk_update(stages, ["starts_at", "ends_at"])
    made.starts_at, made.ends_at = stages[0].starts_at, stages[-1].ends_at
    made.save(update_fields=["starts_at", "ends_at"])
    return project_publish(actor=actor, project=made) if publish else made


def stage_of(project: Project, kind: str) -> Stage:
    return Stage.objects.get(project=project, kind=kind)
