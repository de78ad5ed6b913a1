"""POST requests go through the report service's checks of the place and the description."""

from collections.abc import Callable
from typing import Any

import pytest

from veche.municipalities.models import Municipality
from veche.open311.tests.helpers import errors, valid_fields
from veche.reports.models import Report

pytestmark = pytest.mark.django_db


def test_a_place_outside_the_boundary_and_a_short_description_are_refused(
    municipality: Municipality, secret: str, definition: object, post: Callable[..., Any]
) -> None:
    ring = [[37.3, 55.5], [37.9, 55.5], [37.9, 56.0], [37.3, 56.0], [37.3, 55.5]]
    municipality.boundary = {"type": "Polygon", "coordinates": [ring]}
    municipality.save()

    outside = post(valid_fields(secret, lat="59.94", long="30.31"))
    assert outside.status_code == 400
    assert [description.split(":")[0] for _code, description in errors(outside)] == ["lat"]

    short = post(valid_fields(secret, description="Dark"))
    assert short.status_code == 400
    assert errors(short) == [("400", "description: Send at least 10 characters, or no description.")]
    assert not Report.objects.exists()
    # No description at all is still Open311's right: the service's name or answers stand in for it.
    assert post(valid_fields(secret, description="")).status_code == 200
