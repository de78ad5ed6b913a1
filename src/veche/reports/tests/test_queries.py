"""Lists cost the same number of queries for 3 reports as for 30, and a report page for 3 comments as
for 30: an N+1 fails here."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from veche.accounts.models import User
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.moderation.services import content_hide
from veche.municipalities.models import Municipality
from veche.reports import services
from veche.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def add_reports(
    municipality: Municipality, resident: User, official: User, make_user, routed: Callable[..., Report]
) -> Callable[[int], None]:
    """Public reports with every relation a list shows: district, department, supporters, answer."""
    districts = list(municipality.districts.all())
    supporter = make_user("supporter")

    def add(count: int) -> None:
        for i in range(Report.objects.count(), Report.objects.count() + count):
            report = routed(
                resident, district=districts[i % 2], latitude=55.75 + i * 0.00001, longitude=37.61
            )
            services.report_support(user=supporter, report=report)
            if i % 3 == 0:
                services.report_start(official=official, report=report)

    return add


def measure(client: Client, url: str) -> tuple[int, HttpResponse]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries.captured_queries), response


def shown_on_page(response: HttpResponse) -> int:
    return len(response.context["page"].object_list)


LISTS = {
    "public list": ("neighbour", "/m/{slug}/reports/?status=open", shown_on_page, 20),
    "public list, anonymous": (None, "/m/{slug}/reports/", shown_on_page, 20),
    "workspace": ("official", "/m/{slug}/staff/reports/", shown_on_page, 30),
    "workspace of a moderator": ("moderator", "/m/{slug}/staff/reports/?status=", shown_on_page, 30),
    "API list": ("api", "/api/v1/municipalities/{slug}/reports", lambda r: len(r.json()["items"]), 30),
    "map clusters": (
        None,
        "/m/{slug}/reports/map.json?bbox=55.7,37.5,55.8,37.7&zoom=12",
        lambda r: sum(c["count"] for c in r.json()["clusters"]) + len(r.json()["pins"]),
        30,
    ),
    "map points": (
        None,
        "/m/{slug}/reports/map.json?bbox=55.7,37.5,55.8,37.7&zoom=18",
        lambda r: len(r.json()["pins"]),
        30,
    ),
    "Atom feed": (None, "/m/{slug}/reports/feed.atom", lambda r: r.content.count(b"<entry>"), 30),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_a_list_uses_as_many_queries_for_30_reports_as_for_3(
    request, browser, api, municipality, add_reports, neighbour, name
):
    who, url, shown, expected = LISTS[name]
    url = url.format(slug=municipality.slug)
    if who == "api":
        client = api(request.getfixturevalue("moderator"))
    else:
        client = browser(request.getfixturevalue(who) if who else None)
    add_reports(3)
    client.get(url)  # the first request of a session may do one-off work

    few, response = measure(client, url)
    assert shown(response) == 3
    add_reports(27)
    many, response = measure(client, url)

    assert shown(response) == expected
    assert many == few


@pytest.mark.parametrize("who", [None, "neighbour", "moderator"])
def test_the_report_page_uses_as_many_queries_for_30_comments_as_for_3(
    request, browser, municipality, resident, routed, make_user, who
):
    """Each comment by another person, some hidden: the thread must not read authors one by one."""
    report = routed(resident)
    moderator = request.getfixturevalue("moderator")
    client = browser(request.getfixturevalue(who) if who else None)
    url = f"/m/{municipality.slug}/reports/{report.pk}/"

    def add_comments(count: int) -> None:
        for i in range(Comment.objects.count(), Comment.objects.count() + count):
            comment = comment_create(
                author=make_user(f"writer{i}"), municipality=municipality, target=report, body=f"Update {i}"
            )
            if i % 5 == 4:
                content_hide(moderator=moderator, content=comment, reason="Spam")

    add_comments(3)
    client.get(url)  # the first request of a session may do one-off work

    few, response = measure(client, url)
    assert len(response.context["comments"]) == 3
    add_comments(27)
    many, response = measure(client, url)

    assert len(response.context["comments"]) == (30 if who == "moderator" else 24)
    assert many == few
