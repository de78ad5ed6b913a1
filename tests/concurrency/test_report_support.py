""" "Me too" pressed from 8 threads at once by one person counts once, on the real database.

The set-up is committed (`transactional_db`); the requests are sent from threads released together,
each on its own database connection (`veche.core.testing.race`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from veche.accounts.models import User
from veche.accounts.services import api_token_create
from veche.core.testing import race, unexpected
from veche.municipalities.models import Municipality
from veche.reports.models import Report, ReportSupport

pytestmark = pytest.mark.usefixtures("transactional_db")

THREADS = 8


def test_one_person_supporting_a_report_from_8_threads_is_counted_once(
    municipality: Municipality, resident: User, routed: Callable[..., Report], make_user: Callable[..., User]
) -> None:
    supporter = make_user("supporter")
    report = routed(resident)
    _token, secret = api_token_create(user=supporter, name="race")
    url = f"/api/v1/municipalities/{municipality.slug}/reports/{report.pk}/support"

    def press() -> tuple[int, Any]:
        response = Client(headers={"authorization": f"Bearer {secret}"}).post(url)
        return response.status_code, response.json()

    answers, errors = race([press] * THREADS)

    assert not unexpected(errors), unexpected(errors)
    assert sorted(answers, key=str) == sorted(
        [(200, {"supported": True, "supporters_count": 1})]
        + [(200, {"supported": False, "supporters_count": 1})] * (THREADS - 1),
        key=str,
    )
    report = Report.objects.get(pk=report.pk)
    assert report.supporters_count == 1
    assert list(ReportSupport.objects.filter(report=report).values_list("user", flat=True)) == [supporter.pk]
