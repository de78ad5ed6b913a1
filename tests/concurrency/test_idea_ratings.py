"""Ratings of an idea sent at the same moment, each in its own thread and database connection."""

from functools import partial

import pytest

from veche.core.testing import race, unexpected
from veche.crowdprojects.models import IdeaRating, StageKind
from veche.crowdprojects.services.assessment import idea_rate
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.crowdprojects.tests.wisdom_helpers import idea_in

THREADS = 8


@pytest.fixture
def idea(transactional_db, municipality, municipal_admin, author):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.ASSESSMENT)
    return idea_in(project, author)


def test_one_person_rating_eight_times_at_once_is_one_rating(idea, resident):
    results, errors = race(
        [partial(idea_rate, user=resident, idea=idea, stars=1 + i % 5) for i in range(THREADS)]
    )

    assert not errors, unexpected(errors)
    assert sum(created for _rating, created in results) == 1
    rating = IdeaRating.objects.get()
    assert rating.stars in {1 + i % 5 for i in range(THREADS)}


def test_eight_people_rating_at_once_are_eight_ratings(idea, make_user):
    people = [make_user(f"rater{i}") for i in range(THREADS)]
    results, errors = race([partial(idea_rate, user=person, idea=idea, stars=4) for person in people])

    assert not errors, unexpected(errors)
    assert all(created for _rating, created in results)
    assert IdeaRating.objects.filter(idea=idea).count() == THREADS
