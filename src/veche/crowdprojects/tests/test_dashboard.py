"""The organisers' dashboard: every registered contribution per day in the municipality's calendar,
distinct participants, totals by district and tier, each table as CSV; a fixed number of queries."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.accounts.models import Verification
from veche.core.testing import localised_numbers
from veche.crowdprojects import tallies
from veche.crowdprojects.models import Idea, IdeaSupport, StageKind
from veche.crowdprojects.services.projects import project_create
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.municipalities.models import Department, Membership

pytestmark = pytest.mark.django_db

NOVOSIBIRSK = ZoneInfo("Asia/Novosibirsk")


@pytest.fixture
def siberian(municipality):
    municipality.timezone = "Asia/Novosibirsk"
    municipality.save(update_fields=["timezone"])
    return municipality


@pytest.fixture
def project(siberian, municipal_admin):
    roads = siberian.departments.get(name_en="Roads")
    return project_in_stage(
        actor=municipal_admin, municipality=siberian, kind=StageKind.IDEAS, department=roads
    )


@pytest.fixture
def with_districts():
    """A contribution that carries districts, as a part's ballots do: here, the residents verified
    in the project's municipality."""
    tallies.register_contribution(
        "verified_here",
        label="verified here",
        order=99,
        rows=lambda project: Verification.objects.filter(municipality=project.municipality).values(
            "created_at", "user_id", "district_id"
        ),
        has_district=True,
    )
    yield
    tallies._contributions.pop("verified_here")


def dashboard_url(project):
    return f"/m/{project.municipality.slug}/staff/projects/{project.pk}/dashboard/"


def idea(project, author, title, at):
    return Idea.objects.create(
        municipality=project.municipality,
        project=project,
        author=author,
        title=title,
        body="x" * 20,
        created_at=at,
    )


def activity(project, resident, verified_resident):
    # 23:30 in Novosibirsk on 1 May is 16:30 UTC; 00:30 on 2 May is 17:30 UTC of 1 May.
    late = datetime(2030, 5, 1, 23, 30, tzinfo=NOVOSIBIRSK)
    early = datetime(2030, 5, 2, 0, 30, tzinfo=NOVOSIBIRSK)
    benches = idea(project, resident, "Benches", late)
    idea(project, resident, "Lights", early)
    IdeaSupport.objects.create(petition=benches, user=verified_resident, tier=2, created_at=early)
    IdeaSupport.objects.create(petition=benches, user=resident, tier=1, created_at=early)


def csv_of(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_days_in_the_municipality_calendar_and_distinct_participants(
    client_for, project, official, resident, verified_resident
):
    activity(project, resident, verified_resident)
    client = client_for(official)

    page = client.get(dashboard_url(project))

    assert page.status_code == 200
    days = page.context["dashboard"].days
    assert [row[0] for row in days.rows] == ["2030-05-01", "2030-05-02"]
    header = [c.key for c in days.columns]
    assert header[-1] == "participants" and "ideas" in header and "supports" in header
    first, second = (dict(zip(header, row[2], strict=True)) for row in days.rows)
    assert (first["ideas"], first["supports"], first["participants"]) == (1, 0, 1)
    assert (second["ideas"], second["supports"], second["participants"]) == (1, 2, 2)
    assert dict(zip(header, days.totals, strict=True))["participants"] == 2
    text = page.content.decode()
    assert "Участвовали 2 человека." in text and "По дням" in text and "По уровню участников" in text

    rows = csv_of(client.get(dashboard_url(project), {"format": "csv", "table": "days"}))
    assert rows[0][0] == "date" and rows[0][-1] == "participants"
    assert rows[1][0] == "2030-05-01" and rows[-1][0] == "total"
    tiers = csv_of(client.get(dashboard_url(project), {"format": "csv", "table": "tiers"}))
    # Every part that records tiers has a column; only supports were given here.
    supports = tiers[0].index("supports")
    assert tiers[0][0] == "tier"
    assert [(row[0], row[supports]) for row in tiers[1:]] == [
        ("registered", "1"),
        ("verified", "1"),
        ("total", "2"),
    ]


def test_the_dashboard_in_english(client_for, project, official, resident, verified_resident):
    activity(project, resident, verified_resident)
    page = client_for(official, language="en").get(dashboard_url(project)).content.decode()
    assert "2 people took part." in page and "By day" in page and "Download as CSV" in page
    assert not localised_numbers(page)


def test_totals_by_district_where_contributions_carry_one(
    client_for, project, official, with_districts, resident_of, central, northern
):
    resident_of("north1", northern)
    resident_of("north2", northern)
    resident_of("central1", central)
    resident_of("nowhere", None)

    response = client_for(official).get(dashboard_url(project), {"format": "csv", "table": "districts"})

    rows = csv_of(response)
    # Every part whose rows carry a district has a column (ballots, say); only verifications here.
    assert rows[0][0] == "district" and rows[0][-1] == "verified_here"
    assert [(row[0], row[-1]) for row in rows[1:]] == [
        ("d2", "2"),  # Северный before Центральный
        ("d1", "1"),
        ("", "1"),
        ("total", "4"),
    ]


def test_a_fixed_number_of_queries_whatever_the_activity(
    client_for, project, official, make_user, with_districts
):
    client = client_for(official)
    idea(project, make_user("first"), "First", timezone.now())
    client.get(dashboard_url(project))
    with CaptureQueriesContext(connection) as few:
        assert client.get(dashboard_url(project)).status_code == 200
    for n in range(6):
        author = make_user(f"author{n}")
        made = idea(project, author, f"Idea {n}", timezone.now())
        IdeaSupport.objects.create(petition=made, user=author, tier=1, created_at=timezone.now())
    with CaptureQueriesContext(connection) as many:
        assert client.get(dashboard_url(project)).status_code == 200
    assert len(many) == len(few)
    contributions = tallies.contributions()
    reads = (
        len(contributions)
        + sum(c.has_district for c in contributions)
        + sum(c.has_tier for c in contributions)
    )
    assert len(many) <= reads + 12  # the session, the person, the municipality, the project, the roles


def test_only_those_who_run_the_project_see_its_dashboard(
    client_for, project, siberian, municipal_admin, official, resident, make_user
):
    parks = Department.objects.create(municipality=siberian, name_ru="Парки", name_en="Parks")
    gardener = make_user("gardener")
    Membership.objects.create(
        user=gardener, municipality=siberian, role=Membership.Role.OFFICIAL, department=parks
    )
    assert client_for(municipal_admin).get(dashboard_url(project)).status_code == 200
    assert client_for(official).get(dashboard_url(project)).status_code == 200
    assert client_for(gardener).get(dashboard_url(project)).status_code == 404
    assert client_for(resident).get(dashboard_url(project)).status_code == 404
    assert client_for().get(dashboard_url(project)).status_code == 302
    assert (
        client_for(official).get(dashboard_url(project), {"format": "csv", "table": "nope"}).status_code
        == 404
    )


def test_an_empty_project_has_empty_tables(client_for, siberian, municipal_admin):
    draft = project_create(
        actor=municipal_admin,
        municipality=siberian,
        title="Quiet",
        description="Nobody came",
        template="full",
        starts_at=timezone.now(),
    )
    response = client_for(municipal_admin).get(dashboard_url(draft))
    assert response.status_code == 200 and "Пока никто не участвовал." in response.content.decode()
    rows = csv_of(client_for(municipal_admin).get(dashboard_url(draft), {"format": "csv", "table": "days"}))
    assert rows[-1][0] == "total" and set(rows[-1][1:]) == {"0"}
