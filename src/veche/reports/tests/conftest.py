"""Fixtures of the reports suites: clients that read English, a neighbour, and a city full of reports.

The report fixtures other suites share (photo, lights, parks, submit, routed, resolved) are in the
test plugin, veche.core.testing.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from veche.accounts.models import User
from veche.moderation.services import content_hide
from veche.municipalities.models import Municipality
from veche.reports import services
from veche.reports.models import Report


@pytest.fixture
def browser(client_for: Callable[..., Client]) -> Callable[..., Client]:
    """A site client (signed in as `user`, or anonymous) that reads pages in English."""

    def build(user: User | None = None) -> Client:
        return client_for(user, language="en")

    return build


@pytest.fixture
def api(api_for: Callable[..., Client]) -> Callable[[User], Client]:
    """An API client with a bearer token of `user`, answering in English."""

    def build(user: User) -> Client:
        return api_for(user, language="en")

    return build


@pytest.fixture
def neighbour(make_user: Callable[..., User]) -> User:
    """A confirmed resident who is not the author of the reports."""
    return make_user("neighbour")


@pytest.fixture
def city(
    municipality: Municipality,
    resident: User,
    moderator: User,
    official: User,
    submit: Callable[..., Report],
    routed: Callable[..., Report],
    photo: Callable[..., SimpleUploadedFile],
) -> dict[str, Report]:
    """Public reports that differ in category, district, status and deadline, and two that are not public."""
    d1, d2 = municipality.districts.order_by("slug")
    pothole = municipality.categories.get(slug="pothole")
    return {
        "light_d1": routed(resident, district=d1),
        "pothole_d2_started": services.report_start(
            official=official, report=routed(resident, category=pothole, photos=[photo()], district=d2)
        ),
        "light_d2_resolved": services.report_resolve(
            official=official, report=routed(resident, district=d2), answer="Fixed", photos=[photo()]
        ),
        "light_d1_overdue": routed(resident, district=d1, now=timezone.now() - timedelta(days=40)),
        "unmoderated": submit(resident, district=d1),
        "hidden": content_hide(moderator=moderator, content=routed(resident, district=d1), reason="Insults"),
    }
