"""The deliberations' entry on other staff pages: a crowd project's opinion mapping."""

from typing import Any

from django import template

from veche.crowdprojects.models import Project, StageKind
from veche.deliberation.models import Deliberation

register = template.Library()


@register.inclusion_tag("deliberation/staff/_project_entry.html")
def project_deliberation_entry(project: Project) -> dict[str, Any]:
    """On a project's staff page (for those who run it): open the deliberation of its opinion-mapping
    stage, or create it. Nothing when the project has no such stage."""
    has_stage = project.stages.filter(kind=StageKind.DELIBERATION).exists()
    deliberation = Deliberation.objects.filter(project=project).first() if has_stage else None
    return {"project": project, "has_stage": has_stage, "deliberation": deliberation}
