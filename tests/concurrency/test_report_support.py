""" "Me too" pressed from 8 threads at once by one person counts once, on the real database.

The set-up is committed (`transactional_db`); the threads meet at a `threading.Barrier`, each
sends the API request on its own database connection and closes it when done.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from veche.accounts.models import User
from veche.accounts.services import api_token_create
from veche.municipalities.models import Category, Municipality
from veche.reports import services
from veche.reports.models import Report, ReportSupport

pytestmark = pytest.mark.usefixtures("transactional_db")

THREADS = 8


def test_one_person_supporting_a_report_from_8_threads_is_counted_once(
    municipality: Municipality, resident: User, moderator: User, make_user: Any
) -> None:
    supporter = make_user("supporter")
    category = Category.objects.get(municipality=municipality, slug="pothole")
    category.photo_required = False
    category.save()
    report = services.report_submit(
        author=resident,
        municipality=municipality,
        category=category,
        latitude=55.75,
        longitude=37.61,
        description="A deep hole",
    )
    services.report_moderate(moderator=moderator, report=report)
    _token, secret = api_token_create(user=supporter, name="race")
    url = f"/api/v1/municipalities/{municipality.slug}/reports/{report.pk}/support"
    barrier = threading.Barrier(THREADS)
    answers: list[Any] = [None] * THREADS

    def press(i: int) -> None:
        try:
            client = Client(headers={"authorization": f"Bearer {secret}"})
            barrier.wait(timeout=30)
            response = client.post(url)
            answers[i] = (response.status_code, response.json())
        except BaseException:  # the assertion below shows the traceback
            answers[i] = traceback.format_exc()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not any(t.is_alive() for t in threads), "a thread is still running: a deadlock?"
    assert all(isinstance(a, tuple) for a in answers), answers
    assert sorted(answers, key=str) == sorted(
        [(200, {"supported": True, "supporters_count": 1})]
        + [(200, {"supported": False, "supporters_count": 1})] * (THREADS - 1),
        key=str,
    )
    report = Report.objects.get(pk=report.pk)
    assert report.supporters_count == 1
    assert list(ReportSupport.objects.filter(report=report).values_list("user", flat=True)) == [supporter.pk]
