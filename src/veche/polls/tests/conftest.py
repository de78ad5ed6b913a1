"""Fixtures of the poll tests: polls of every kind, open now, and residents of each district."""

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from veche.accounts.models import User, Verification
from veche.municipalities.models import District, Municipality
from veche.polls.models import Kind, Poll, PollTier
from veche.polls.services import poll_create, poll_publish


@pytest.fixture(autouse=True)
def _english(settings) -> Iterator[None]:
    """Pages and services answer in English, so that tests can read the messages."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def central(municipality: Municipality) -> District:
    return municipality.districts.get(slug="d1")


@pytest.fixture
def northern(municipality: Municipality) -> District:
    return municipality.districts.get(slug="d2")


@pytest.fixture
def resident_of(make_user: Callable[..., User], municipality: Municipality) -> Callable[..., User]:
    """A confirmed user whose residence is verified in `district`."""

    def make(username: str, district: District | None) -> User:
        user = make_user(username)
        Verification.objects.create(
            user=user, municipality=municipality, district=district, provider=Verification.Provider.IN_PERSON
        )
        return user

    return make


@pytest.fixture
def voter(resident_of: Callable[..., User], central: District) -> User:
    return resident_of("voter", central)


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
def single(make_poll: Callable[..., Poll]) -> Poll:
    return make_poll()


@pytest.fixture
def multiple(make_poll: Callable[..., Poll]) -> Poll:
    return make_poll(
        "What should the city festival have?",
        kind=Kind.MULTIPLE,
        min_choices=2,
        max_choices=3,
        tier=PollTier.REGISTERED,
        options=["Concert", "Fair", "Night tours", "Bicycle parade", "Fireworks"],
    )


@pytest.fixture
def ranked(make_poll: Callable[..., Poll]) -> Poll:
    return make_poll(
        "Rank next year's priorities",
        kind=Kind.RANKED,
        min_choices=1,
        max_choices=3,
        options=["Courtyards", "Pavements", "Lighting", "Playgrounds"],
    )


def option_ids(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("pk", flat=True))
