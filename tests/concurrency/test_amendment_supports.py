"""Supports of an amendment sent at the same moment, each in its own thread and database connection."""

from functools import partial

import pytest

from veche.core.errors import Conflict
from veche.core.testing import race, unexpected
from veche.drafting.models import AmendmentSupport
from veche.drafting.services import amendment_propose, amendment_support
from veche.drafting.tests.helpers import drafting_project, published_document, section

THREADS = 8


@pytest.fixture
def amendment(transactional_db, municipality, municipal_admin, author):
    project = drafting_project(actor=municipal_admin, municipality=municipality)
    document = published_document(actor=municipal_admin, project=project)
    return amendment_propose(
        author=author, section=section(document, "2"), body="Benches every thirty metres."
    )


def test_one_person_supporting_eight_times_at_once_counts_once(amendment, resident):
    results, errors = race(
        [partial(amendment_support, user=resident, amendment=amendment) for _ in range(THREADS)]
    )
    assert len(results) == 1, unexpected(errors)
    assert len(errors) == THREADS - 1 and all(isinstance(e, Conflict) for e in errors), unexpected(errors)
    assert {e.code for e in errors} == {"already_supported"}  # type: ignore[attr-defined]
    amendment.refresh_from_db()
    assert amendment.supporters_count == 1 == AmendmentSupport.objects.count()


def test_eight_people_supporting_at_once_count_eight(amendment, make_user):
    people = [make_user(f"supporter{i}") for i in range(THREADS)]
    results, errors = race(
        [partial(amendment_support, user=person, amendment=amendment) for person in people]
    )
    assert len(results) == THREADS, unexpected(errors)
    amendment.refresh_from_db()
    assert amendment.supporters_count == THREADS == AmendmentSupport.objects.count()
