"""An initiative's vote is announced once: the initiative tells its own people, the poll the others."""

import pytest

from veche.accounts.models import User
from veche.initiatives.models import Initiative
from veche.notifications.models import Notification
from veche.polls.services import poll_vote, polls_announce
from veche.polls.tests.helpers import option_ids

pytestmark = pytest.mark.django_db


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_an_initiatives_vote_is_announced_by_the_initiative_to_its_followers_and_by_the_poll_to_others(
    residents: dict[str, User], voting: Initiative, supporters: list[User]
) -> None:
    """The initiative tells its author, supporters and followers of its vote and of the result; the
    poll tells the other residents, and those who voted without following the initiative."""
    assert told("initiative.accepted") == ["author", "supporter0", "supporter1", "supporter2"]
    opened = told("poll.opened")
    assert opened == sorted(["central", "northern", "nowhere", *[f"supporter{i}" for i in range(3, 8)]])
    poll = voting.poll
    assert poll is not None
    for voter in (supporters[0], supporters[5]):
        poll_vote(user=voter, poll=poll, options=option_ids(poll)[:1])
    polls_announce(now=poll.closes_at)
    assert told("poll.closed") == ["supporter5"]
