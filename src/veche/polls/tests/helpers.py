"""What the poll tests share with each other and with the top-level suites (tests/)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from veche.accounts.models import User
from veche.municipalities.models import District, Municipality
from veche.polls.models import Kind, Poll, PollTier
from veche.polls.services import poll_create, poll_publish


def option_ids(poll: Poll) -> list[int]:
    """The ids of the poll's options, in their order on the ballot."""
    return list(poll.options.order_by("position").values_list("pk", flat=True))


@pytest.fixture
def make_poll(municipality: Municipality, municipal_admin: User) -> Callable[..., Poll]:
    """A published poll, open from an hour ago for a day unless told otherwise."""

    def make(
        title: str = "Where should the new playground go?",
        *,
        options: list[str] | None = None,
        publish: bool = True,
        opens_in: timedelta = timedelta(hours=-1),
        lasts: timedelta = timedelta(days=1),
        **kwargs,
    ) -> Poll:
        now = timezone.now()
        kwargs.setdefault("kind", Kind.SINGLE)
        kwargs.setdefault("min_choices", 1)
        kwargs.setdefault("max_choices", 1)
        kwargs.setdefault("tier", PollTier.VERIFIED)
        kwargs.setdefault("districts", [])
        kwargs.setdefault("live_results", False)
        kwargs.setdefault("description", "The council has set aside money for **one** playground.")
        poll = poll_create(
            actor=kwargs.pop("actor", municipal_admin),
            municipality=kwargs.pop("municipality", municipality),
            title=title,
            options=options or ["By the school", "In the park", "On Garden Street"],
            opens_at=now + opens_in,
            closes_at=now + opens_in + lasts,
            **kwargs,
        )
        if publish:
            poll = poll_publish(actor=municipal_admin, poll=poll, now=now + opens_in - timedelta(minutes=1))
        return poll

    return make


@pytest.fixture
def residents(resident_of: Callable[..., User], central: District, northern: District) -> dict[str, User]:
    """Residents verified in each district, and one in none, to be told what concerns them."""
    return {
        "central": resident_of("central", central),
        "northern": resident_of("northern", northern),
        "nowhere": resident_of("nowhere", None),
    }
