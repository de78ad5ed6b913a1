"""A municipality with open polls, reports and residents holding API tokens, committed for other processes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from veche.accounts.models import User
from veche.accounts.services import api_token_create
from veche.core.testing import build_municipality
from veche.municipalities.models import Category, Membership, Municipality
from veche.polls.models import Poll, PollTier
from veche.polls.services import poll_create, poll_publish
from veche.reports.models import Report
from veche.reports.services import report_moderate, report_submit


@dataclass
class Resident:
    username: str
    token: str
    pk: int


@dataclass
class World:
    municipality: Municipality
    category: Category
    polls: list[Poll]
    residents: list[Resident]
    moderator_token: str
    # Reports in moderation (filed by residents, who follow them) and reports open for support.
    submitted: list[Report] = field(default_factory=list)
    routed: list[Report] = field(default_factory=list)

    def tokens(self) -> list[dict[str, Any]]:
        return [{"username": r.username, "token": r.token, "pk": r.pk} for r in self.residents]


@pytest.fixture
def world(transactional_db: None, make_user: Callable[..., User]) -> Callable[..., World]:
    """Build the world: `residents` users with tokens, `polls` open polls, reports to moderate and support.

    `transactional_db`: the rows are committed, so the gunicorn and Celery processes see them.
    """

    def build(*, residents: int, polls: int, submitted: int = 0, routed: int = 0) -> World:
        municipality = build_municipality()
        category = Category.objects.create(
            municipality=municipality,
            department=municipality.departments.get(),
            slug="light",
            name_ru="Свет",
            name_en="Street light",
            answer_days=5,
            photo_required=False,
        )
        admin = make_user("admin", role=Membership.Role.ADMIN, municipality=municipality)
        moderator = make_user("moderator", role=Membership.Role.MODERATOR, municipality=municipality)
        make_user("official", role=Membership.Role.OFFICIAL, municipality=municipality)
        _token, moderator_secret = api_token_create(user=moderator, name="scaleout")
        now = timezone.now()
        open_polls = []
        for i in range(polls):
            poll = poll_create(
                actor=admin,
                municipality=municipality,
                title=f"Poll {i}",
                description="",
                kind="single",
                options=["Yes", "No", "Later"],
                min_choices=1,
                max_choices=1,
                districts=[],
                tier=PollTier.REGISTERED,
                opens_at=now - timedelta(hours=1),
                closes_at=now + timedelta(days=1),
                live_results=True,
            )
            open_polls.append(poll_publish(actor=admin, poll=poll, now=now - timedelta(hours=2)))
        people = []
        for i in range(residents):
            user = make_user(f"resident{i}", verified_in=municipality)
            _token, secret = api_token_create(user=user, name="scaleout")
            people.append(Resident(user.username, secret, user.pk))
        author = make_user("author", verified_in=municipality)

        def file(by: User, n: int) -> Report:
            return report_submit(
                author=by,
                municipality=municipality,
                category=category,
                latitude=55.75,
                longitude=37.61,
                description=f"The street light number {n} is out",
            )

        users = list(User.objects.filter(username__startswith="resident").order_by("pk"))
        in_moderation = [file(users[i % len(users)], i) for i in range(submitted)]
        open_reports = [
            report_moderate(moderator=moderator, report=file(author, 1000 + i)) for i in range(routed)
        ]
        return World(
            municipality=municipality,
            category=category,
            polls=open_polls,
            residents=people,
            moderator_token=moderator_secret,
            submitted=in_moderation,
            routed=open_reports,
        )

    return build
