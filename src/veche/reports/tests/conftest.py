"""Fixtures of the reports suites: a category that needs no photo, photos, a report in each state."""

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from veche.accounts.models import User
from veche.moderation.services import content_hide
from veche.municipalities.models import Category, Department, Municipality
from veche.reports import services
from veche.reports.models import Report


def jpeg_bytes(size: tuple[int, int] = (64, 48), exif_gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0), 3: "E", 4: (37.0, 37.0, 0.0)}  # GPSInfo
        exif[0x010F] = "SecretCam"  # Make
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def photo() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "pothole.jpg", **kwargs: Any) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")

    return make


@pytest.fixture
def lights(municipality: Municipality) -> Category:
    """A category without a required photo."""
    return Category.objects.create(
        municipality=municipality,
        department=municipality.departments.first(),
        slug="light",
        name="Свет",
        name_en="Street light",
        answer_days=5,
        photo_required=False,
    )


@pytest.fixture
def submit(municipality: Municipality, lights: Category) -> Callable[..., Report]:
    def make(author: User, **kwargs: Any) -> Report:
        fields: dict[str, Any] = {
            "municipality": municipality,
            "category": lights,
            "latitude": 55.75,
            "longitude": 37.61,
            "description": "The street light is out",
            "address": "Tverskaya 1",
        }
        fields.update(kwargs)
        return services.report_submit(author=author, **fields)

    return make


@pytest.fixture
def browser(client_for: Callable[[User | None], Client]) -> Callable[..., Client]:
    """A site client (signed in as `user`, or anonymous) that reads pages in English."""

    def build(user: User | None = None) -> Client:
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return build


@pytest.fixture
def api(api_for: Callable[[User], Client]) -> Callable[[User], Client]:
    """An API client with a bearer token of `user`, answering in English."""

    def build(user: User) -> Client:
        client = api_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return build


@pytest.fixture
def routed(submit: Callable[..., Report], moderator: User) -> Callable[..., Report]:
    """A report that passed moderation and went to its department (public from now on)."""

    def make(author: User, **kwargs: Any) -> Report:
        return services.report_moderate(moderator=moderator, report=submit(author, **kwargs))

    return make


@pytest.fixture
def resolved(
    routed: Callable[..., Report], official: User, photo: Callable[..., SimpleUploadedFile]
) -> Callable[..., Report]:
    def make(author: User, **kwargs: Any) -> Report:
        return services.report_resolve(
            official=official, report=routed(author, **kwargs), answer="The lamp is fixed", photos=[photo()]
        )

    return make


@pytest.fixture
def parks(municipality: Municipality) -> Department:
    return Department.objects.create(municipality=municipality, name="Парки", name_en="Parks")


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
