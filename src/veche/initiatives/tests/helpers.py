"""What the initiative tests share besides fixtures: the options of an accepted initiative, reaching the
threshold, and casting votes on the options."""

from datetime import timedelta

from veche.accounts.models import User
from veche.initiatives.models import Initiative
from veche.initiatives.services import initiative_support
from veche.petitions.tests.kinds import THRESHOLD
from veche.polls.services import poll_vote

OPTIONS = ["A painted lane", "A lane behind kerbs", "A shared street"]


def reach_threshold(initiative: Initiative, supporters: list[User], now=None) -> Initiative:
    for supporter in supporters[:THRESHOLD]:
        initiative_support(user=supporter, initiative=initiative, now=now)
    initiative.refresh_from_db()
    return initiative


def cast(initiative: Initiative, ballots: list[tuple[User, int]]) -> None:
    """Each voter chooses the option at the given position, an hour apart from the vote's opening."""
    poll = initiative.poll
    assert poll is not None
    ids = list(poll.options.order_by("position").values_list("pk", flat=True))
    for hour, (voter, position) in enumerate(ballots, start=1):
        poll_vote(user=voter, poll=poll, options=[ids[position]], now=poll.opens_at + timedelta(hours=hour))
