"""Fixtures of the recognition tests: reports fixed through the real services, and readers of a
person's ledger and badges."""

from collections.abc import Callable
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from veche.accounts.models import User
from veche.municipalities.models import Municipality
from veche.recognition.selectors import standings_of
from veche.reports.models import Report
from veche.reports.services import report_confirm, report_resolve


@pytest.fixture
def fixed(
    routed: Callable[..., Report], official: User, photo: Callable[..., SimpleUploadedFile]
) -> Callable[..., Report]:
    """A report of `author` taken through every step: submitted, moderated and routed, resolved with a
    photo, and confirmed by its author (at `now`, when given)."""

    def make(author: User, now: datetime | None = None, **kwargs: object) -> Report:
        report = routed(author, **kwargs)
        report = report_resolve(
            official=official, report=report, answer="The lamp is fixed", photos=[photo()]
        )
        return report_confirm(author=author, report=report, now=now)

    return make


@pytest.fixture
def badges_of() -> Callable[..., set[str]]:
    """The codes of the badges `user` holds in `municipality`."""

    def read(user: User, municipality: Municipality) -> set[str]:
        standings = standings_of(user, [municipality])
        return {earned.badge.code for s in standings for earned in s.earned}

    return read
