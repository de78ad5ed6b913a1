"""Ticks of crowd projects run at the same moment: each stage is announced once."""

import pytest

from veche.core.testing import race, unexpected
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.services.projects import projects_announce
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.notifications.models import Notification
from veche.notifications.services import follow

THREADS = 6


@pytest.mark.django_db(transaction=True)
def test_ticks_at_once_announce_each_stage_once(municipality, municipal_admin, resident):
    projects = [
        project_in_stage(
            actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, title=f"P{n}"
        )
        for n in range(3)
    ]
    for project in projects:
        follow(user=resident, target=project)

    results, errors = race([projects_announce for _ in range(THREADS)])

    assert not errors, unexpected(errors)
    assert sum(r["announced"] for r in results) == 3
    assert Notification.objects.filter(recipient=resident, kind="project.stage").count() == 3
