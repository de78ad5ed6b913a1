"""Endorsing, for appeals and initiatives alike: one rule for a repeat, whatever the petition's state.

A person who endorsed before and sends it again (a double submit, a second tab, a retry after the
petition stopped collecting) is told they already did: 200 in the API with the first endorsement,
a notice on the page. Anyone new is refused with 409 once the petition no longer collects.
"""

import pytest
from django.utils import timezone

from veche.accounts.tests.helpers import assert_api_error, post_json
from veche.core.testing import HTMX, messages_of
from veche.petitions.tests.kinds import THRESHOLD, reach_threshold

API = "/api/v1"


@pytest.fixture
def answered(kind, petition, endorsers, official):
    """A petition that reached its threshold and has been answered: it takes no more endorsements."""
    reach_threshold(kind, petition, endorsers, timezone.now())
    kind.answer(official=official, petition=petition)
    petition.refresh_from_db()
    assert petition.answered_at is not None
    return petition


@pytest.fixture
def collecting(kind, petition, endorsers):
    """The same petition while it collects, endorsed by the same people: the twin of `answered`."""
    reach_threshold(kind, petition, endorsers, timezone.now())
    return petition


@pytest.mark.parametrize("state", ["collecting", "answered"])
def test_endorsing_again_through_the_api_returns_the_first_endorsement(
    state, kind, request, endorsers, api_for
):
    petition = request.getfixturevalue(state)
    path = f"{API}/{kind.path}/{petition.pk}/{kind.api_endorse}"

    again = post_json(api_for(endorsers[0]), path, {})

    assert again.status_code == 200
    assert again.json()[kind.count_key] == THRESHOLD
    assert again.json()["created_at"] is not None
    petition.refresh_from_db()
    assert petition.endorsements_count == THRESHOLD


def test_someone_new_is_refused_once_the_petition_no_longer_collects(
    kind, answered, endorsers, api_for, client_for
):
    path = f"{API}/{kind.path}/{answered.pk}/{kind.api_endorse}"

    assert_api_error(post_json(api_for(endorsers[THRESHOLD]), path, {}), 409, "not_collecting")
    page = client_for(endorsers[THRESHOLD]).post(
        f"/m/testgrad/{kind.path}/{answered.pk}/{kind.endorse_path}/"
    )

    assert page.status_code == 409
    answered.refresh_from_db()
    assert answered.endorsements_count == THRESHOLD


@pytest.mark.parametrize("state", ["collecting", "answered"])
def test_endorsing_again_on_the_page_says_you_already_did(state, kind, request, endorsers, client_for):
    petition = request.getfixturevalue(state)
    path = f"/m/testgrad/{kind.path}/{petition.pk}/{kind.endorse_path}/"
    client = client_for(endorsers[0])
    already = kind.already_said

    plain = client.post(path, follow=True)
    boxed = client.post(path, headers=HTMX)

    assert plain.status_code == 200 and already in messages_of(plain)
    assert boxed.status_code == 200 and already in boxed.content.decode()
    petition.refresh_from_db()
    assert petition.endorsements_count == THRESHOLD


def test_the_endorsement_that_reaches_the_threshold_makes_the_answer_due_once(kind, petition, endorsers):
    for endorser in endorsers[: THRESHOLD - 1]:
        kind.endorse(user=endorser, petition=petition)
    petition.refresh_from_db()
    assert (petition.status, petition.answer_due) == ("published", None)

    kind.endorse(user=endorsers[THRESHOLD - 1], petition=petition)
    petition.refresh_from_db()
    reached, due = petition.threshold_reached_at, petition.answer_due
    kind.endorse(user=endorsers[THRESHOLD], petition=petition)
    petition.refresh_from_db()

    assert petition.status == "threshold_reached" and due is not None
    assert (petition.threshold_reached_at, petition.answer_due) == (reached, due)
    assert petition.endorsements_count == THRESHOLD + 1
