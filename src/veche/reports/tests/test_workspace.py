"""The officials' workspace: whose queue each person sees, its filters and the bulk actions."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.utils import timezone

from veche.municipalities.models import Membership, Municipality
from veche.reports import services
from veche.reports.models import Report, ReportEvent, Status

pytestmark = pytest.mark.django_db


def workspace_url(municipality: Municipality) -> str:
    return f"/m/{municipality.slug}/staff/reports/"


def listed(response: HttpResponse) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="reports" value="(\d+)"', response.content.decode())]


def flashed(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


@pytest.fixture
def queue(municipality, resident, official, submit, routed, parks, photo) -> dict[str, Report]:
    """Reports of the official's department (roads), of parks, one waiting for moderation, one closed."""
    long_ago = timezone.now() - timedelta(days=30)
    closed = services.report_resolve(
        official=official, report=routed(resident), answer="Done", photos=[photo()]
    )
    services.report_confirm(author=resident, report=closed)
    return {
        "roads_new": routed(resident, district=municipality.districts.get(slug="d2")),
        "roads_late": routed(resident, now=long_ago),
        "roads_started": services.report_start(official=official, report=routed(resident)),
        "parks": services.report_reassign(
            official=official, report=routed(resident), department=parks, reason="Their lamp"
        ),
        "waiting": submit(resident),
        "closed": closed,
    }


def test_an_official_sees_the_open_reports_of_their_department_by_deadline(
    browser, municipality, official, queue
):
    response = browser(official).get(workspace_url(municipality))

    assert response.status_code == 200
    shown = listed(response)
    assert set(shown) == {queue[k].pk for k in ("roads_new", "roads_late", "roads_started")}
    deadlines = [Report.objects.get(pk=pk).answer_due for pk in shown]
    assert deadlines == sorted(deadlines)
    assert shown[0] == queue["roads_late"].pk
    assert "overdue-row" in response.content.decode()


@pytest.mark.parametrize("who", ["moderator", "municipal_admin", "platform_admin"])
def test_moderators_and_admins_see_every_open_report(request, browser, municipality, queue, who):
    response = browser(request.getfixturevalue(who)).get(workspace_url(municipality))

    assert response.status_code == 200
    assert set(listed(response)) == {queue[k].pk for k in queue if k != "closed"}


@pytest.mark.parametrize(("who", "status"), [("resident", 404), ("other_admin", 404), ("anonymous", 302)])
def test_people_without_a_staff_role_here_do_not_get_the_workspace(
    browser, make_user, municipality, other_municipality, resident, queue, who, status
):
    person = {
        "resident": resident,
        "other_admin": make_user("otheradmin", role=Membership.Role.ADMIN, municipality=other_municipality),
        "anonymous": None,
    }[who]

    get = browser(person).get(workspace_url(municipality))
    post = browser(person).post(
        workspace_url(municipality), {"action": "moderate", "reports": [queue["waiting"].pk]}
    )

    assert get.status_code == post.status_code == status
    assert Report.objects.get(pk=queue["waiting"].pk).status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "in_progress"}, {"roads_started"}),
        ({"status": "submitted"}, {"waiting"}),
        ({"status": "closed"}, {"closed"}),
        ({"status": ""}, {"roads_new", "roads_late", "roads_started", "parks", "waiting", "closed"}),
        ({"status": "open", "overdue": "on"}, {"roads_late"}),
        ({"district": "d2"}, {"roads_new"}),
        ({"category": "pothole"}, set()),
        ({"department": "{parks}"}, {"parks"}),
    ],
)
def test_the_workspace_filters(browser, municipality, moderator, parks, queue, query, expected):
    query = {k: v.replace("{parks}", str(parks.pk)) for k, v in query.items()}

    response = browser(moderator).get(workspace_url(municipality), query)

    assert response.status_code == 200
    assert set(listed(response)) == {queue[k].pk for k in expected}


def test_the_workspace_pages_by_fifty_and_its_pager_keeps_the_query(
    browser, municipality, moderator, resident, routed
):
    for _ in range(51):
        routed(resident)
    query = {"status": "routed", "category": "light", "district": "", "from": "a&b#c d"}

    first = browser(moderator).get(workspace_url(municipality), query)

    assert len(listed(first)) == 50
    next_link = re.search(r'<a href="\?([^"]*)">Next</a>', first.content.decode())
    assert next_link is not None
    next_query = parse_qs(html.unescape(next_link.group(1)), keep_blank_values=True)
    assert next_query == {k: [v] for k, v in query.items()} | {"page": ["2"]}
    second = browser(moderator).get(workspace_url(municipality), next_query)
    assert len(listed(second)) == 1


def test_the_default_open_queue_stays_open_on_its_second_page(
    browser, municipality, moderator, official, resident, routed
):
    for _ in range(50):
        routed(resident)
    answered = services.report_reject(official=official, report=routed(resident), reason="Not ours")
    last_open = routed(resident)
    client = browser(moderator)

    first = client.get(workspace_url(municipality))
    second = client.get(workspace_url(municipality), {"page": "2"})

    assert len(listed(first)) == 50
    assert 'href="?page=2"' in first.content.decode()
    assert listed(second) == [last_open.pk]
    assert answered.pk not in listed(first) + listed(second)


@pytest.mark.parametrize(
    "query",
    [
        {"department": "99999999999999999999999"},
        {"department": "abc"},
        {"category": "light\x00"},
        {"status": "nonsense", "overdue": "maybe"},
        {"page": "-1"},
        {"district": "d1' OR '1'='1"},
    ],
)
def test_the_workspace_answers_garbage_filters_without_failing(
    browser, municipality, moderator, queue, query
):
    response = browser(moderator).get(workspace_url(municipality), query)

    assert response.status_code == 200
    assert set(listed(response)) <= {r.pk for r in queue.values()}


def test_a_moderator_passes_several_reports_at_once(browser, municipality, moderator, resident, submit):
    reports = [submit(resident) for _ in range(3)]
    url = workspace_url(municipality) + "?status=submitted"

    response = browser(moderator).post(url, {"action": "moderate", "reports": [r.pk for r in reports[:2]]})

    assert response.status_code == 302
    assert response["Location"] == url
    assert flashed(response) == ["Done for 2 reports."]
    statuses = [Report.objects.get(pk=r.pk).status for r in reports]
    assert statuses == [Status.ROUTED, Status.ROUTED, Status.SUBMITTED]


def test_a_bulk_action_reports_the_ones_in_the_wrong_state_and_does_the_rest(
    browser, municipality, municipal_admin, queue
):
    chosen = [queue["waiting"], queue["roads_new"], queue["roads_started"]]

    response = browser(municipal_admin).post(
        workspace_url(municipality), {"action": "start", "reports": [r.pk for r in chosen]}
    )

    assert response.status_code == 302
    assert sorted(flashed(response)) == sorted(
        [
            "Done for 1 reports.",
            f"#{queue['waiting'].pk}: This cannot be done while the report is “submitted”.",
            f"#{queue['roads_started'].pk}: This cannot be done while the report is “in progress”.",
        ]
    )
    assert [Report.objects.get(pk=r.pk).status for r in chosen] == [
        Status.SUBMITTED,
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
    ]
    assert ReportEvent.objects.filter(report=queue["roads_new"], kind="started").count() == 1


def test_an_official_starts_and_reassigns_reports_of_their_department_in_bulk(
    browser, municipality, official, parks, queue
):
    client = browser(official)
    first, second = queue["roads_new"], queue["roads_late"]

    started = client.post(workspace_url(municipality), {"action": "start", "reports": [first.pk]})
    moved = client.post(
        workspace_url(municipality),
        {
            "action": "reassign",
            "department": parks.pk,
            "note": "Parks own these",
            "reports": [first.pk, second.pk],
        },
    )

    assert flashed(started) == ["Done for 1 reports."]
    assert flashed(moved)[-1] == "Done for 2 reports."
    for report in (first, second):
        report.refresh_from_db()
        assert (report.status, report.department) == (Status.ROUTED, parks)
        assert ReportEvent.objects.filter(report=report, kind="reassigned", note="Parks own these").exists()


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        ({"note": "Parks own it"}, ["#{pk}: Choose a department."]),
        ({"department": "{parks}"}, ["#{pk}: This field is required."]),
        ({"department": "{parks}", "note": "x", "reports": ["{other}"]}, ["Choose reports and an action."]),
        ({"department": "{parks}", "note": "x", "action": "resolve"}, ["Choose reports and an action."]),
        ({"department": "{parks}", "note": "x", "reports": []}, ["Choose reports and an action."]),
    ],
)
def test_a_bulk_reassignment_without_what_it_needs_changes_nothing(
    browser, municipality, official, parks, queue, data, messages
):
    report = queue["roads_new"]
    values = {"{pk}": str(report.pk), "{parks}": str(parks.pk), "{other}": str(queue["parks"].pk)}
    post = {
        name: [values.get(v, v) for v in value] if isinstance(value, list) else values.get(value, value)
        for name, value in ({"action": "reassign", "reports": [str(report.pk)]} | data).items()
    }

    response = browser(official).post(workspace_url(municipality), post)

    assert response.status_code == 302
    assert flashed(response) == [m.replace("{pk}", str(report.pk)) for m in messages]
    for unchanged in (report, queue["parks"]):
        before = unchanged.department_id
        unchanged.refresh_from_db()
        assert unchanged.department_id == before
    assert not ReportEvent.objects.filter(kind="reassigned").exclude(report=queue["parks"]).exists()


@pytest.mark.parametrize("who", ["official", "moderator", "municipal_admin"])
def test_a_report_out_of_public_view_is_seen_by_its_department_and_by_moderators_only(
    request, browser, municipality, queue, who
):
    # Hidden by a moderator: out of public view, as a report waiting for moderation is.
    Report.objects.filter(pk__in=[queue["roads_new"].pk, queue["parks"].pk]).update(hidden_at=timezone.now())
    client = browser(request.getfixturevalue(who))

    statuses = {
        name: client.get(f"/m/{municipality.slug}/reports/{queue[name].pk}/").status_code
        for name in ("roads_new", "parks", "waiting")
    }

    if who == "official":
        # Roads is the official's department; parks is not, and the waiting report has none yet.
        assert statuses == {"roads_new": 200, "parks": 404, "waiting": 404}
    else:
        assert statuses == {"roads_new": 200, "parks": 200, "waiting": 200}
