"""Fixtures of the reports suites: a category that needs no photo, photos, a report in each state."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from veche.accounts.models import User
from veche.municipalities.models import Category, Municipality
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
