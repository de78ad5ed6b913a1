"""What the CrowdWisdom tests share: ideas in a project."""

from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Idea, Project


def idea_in(project: Project, author: User, title: str = "Benches by the pond") -> Idea:
    return Idea.objects.create(
        municipality=project.municipality,
        project=project,
        author=author,
        title=title,
        body="Put benches along the pond, facing the water.",
        created_at=timezone.now(),
    )
