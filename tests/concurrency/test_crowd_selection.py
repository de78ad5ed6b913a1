"""The selection published and results rated at the same moment, each in its own thread."""

from functools import partial

import pytest

from veche.accounts.models import User
from veche.core.errors import Conflict
from veche.core.testing import race, unexpected
from veche.crowdprojects.models import ResultRating, Selection, StageKind
from veche.crowdprojects.services.implementation import result_rate
from veche.crowdprojects.services.selection import project_selection_publish
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.crowdprojects.tests.selection_helpers import decide, idea_in, implementing
from veche.municipalities.models import Municipality
from veche.notifications.models import Notification

THREADS = 6

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_publishing_six_times_at_once_publishes_and_tells_once(
    municipality: Municipality, municipal_admin: User, author: User
) -> None:
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    decide(municipal_admin, idea_in(project, author))

    results, errors = race(
        [partial(project_selection_publish, actor=municipal_admin, project=project) for _ in range(THREADS)]
    )

    assert len(results) == 1, unexpected(errors, (Conflict,))
    assert not unexpected(errors, (Conflict,)), unexpected(errors, (Conflict,))
    assert Selection.objects.count() == 1
    assert Notification.objects.filter(kind="crowdprojects.decision").count() == 1


def test_one_person_rating_six_times_at_once_keeps_one_rating(
    municipality: Municipality, municipal_admin: User, author: User, resident: User
) -> None:
    world = implementing(actor=municipal_admin, municipality=municipality, author=author)

    results, errors = race(
        [partial(result_rate, actor=resident, idea=world.taken_up, stars=1 + n % 5) for n in range(THREADS)]
    )

    assert errors == [], unexpected(errors)
    assert len(results) == THREADS
    assert ResultRating.objects.filter(idea=world.taken_up, user=resident).count() == 1
