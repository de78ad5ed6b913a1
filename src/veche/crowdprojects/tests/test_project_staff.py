"""The staff pages of a project: the list of those one runs, a new project, its settings, its
timeline row by row, publishing; refusals on the right field and row, with nothing changed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.core.audit import AuditEntry
from veche.core.testing import messages_of
from veche.crowdprojects.models import Project, ProjectTier, Stage, StageKind
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.services.projects import project_create
from veche.crowdprojects.stages import TEMPLATES
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.municipalities.models import Department, Membership

pytestmark = pytest.mark.django_db

NOVOSIBIRSK = ZoneInfo("Asia/Novosibirsk")


@pytest.fixture
def siberian(municipality):
    municipality.timezone = "Asia/Novosibirsk"
    municipality.save(update_fields=["timezone"])
    return municipality


def staff_url(municipality, *parts):
    return "/".join([f"/m/{municipality.slug}/staff/projects", *map(str, parts)]) + "/"


def new_project_form(**changes):
    form = {
        "title": "How should we rebuild the park?",
        "description": "The park by the river needs **new** paths.",
        "department": "",
        "tier": str(ProjectTier.REGISTERED),
        "voting_method": "approval",
        "approval_limit": "3",
        "template": "deliberation",
        "starts_at": "2031-03-01T09:00",
    }
    return {**form, **changes}


def stage_rows(stages, *, extra=2, **changes):
    """The timeline form as the page sends it: a row per stage, then blank rows."""
    data = {
        "stages-TOTAL_FORMS": str(len(stages) + extra),
        "stages-INITIAL_FORMS": str(len(stages)),
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "20",
    }
    zone = timezone.get_current_timezone()
    for i, stage in enumerate(stages):
        data |= {
            f"stages-{i}-kind": stage.kind,
            f"stages-{i}-title": stage.title,
            f"stages-{i}-starts_at": timezone.localtime(stage.starts_at, zone).strftime("%Y-%m-%dT%H:%M"),
            f"stages-{i}-ends_at": timezone.localtime(stage.ends_at, zone).strftime("%Y-%m-%dT%H:%M"),
            f"stages-{i}-description": stage.description,
        }
    for i in range(len(stages), len(stages) + extra):
        data |= {
            f"stages-{i}-{name}": "" for name in ("kind", "title", "starts_at", "ends_at", "description")
        }
    return data | changes


def test_an_admin_opens_a_project_from_a_template_in_the_municipality_zone(
    client_for, siberian, municipal_admin
):
    client = client_for(municipal_admin)
    assert client.get(staff_url(siberian, "new")).status_code == 200

    response = client.post(staff_url(siberian, "new"), new_project_form())

    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == staff_url(siberian, project.pk, "stages")
    stages = stages_of(project)
    assert [s.kind for s in stages] == list(TEMPLATES["deliberation"].kinds)
    assert stages[0].starts_at == datetime(2031, 3, 1, 9, 0, tzinfo=NOVOSIBIRSK)
    assert project.published_at is None and project.department is None
    assert AuditEntry.objects.filter(action="project.create").count() == 1
    listed = client.get(staff_url(siberian))
    assert project.title in listed.content.decode() and "Черновик" in listed.content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"approval_limit": "0"}, "approval_limit"),
        ({"approval_limit": "many"}, "approval_limit"),
        ({"template": "nonsense"}, "template"),
        ({"starts_at": "yesterday"}, "starts_at"),
        ({"starts_at": "1990-01-01T00:00"}, "starts_at"),
        ({"department": "999999"}, "department"),
        ({"tier": "7"}, "tier"),
    ],
)
def test_a_bad_new_project_is_refused_on_its_field(client_for, municipality, municipal_admin, changes, field):
    response = client_for(municipal_admin).post(staff_url(municipality, "new"), new_project_form(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Project.objects.exists()


def test_districts_need_verified_residents(client_for, municipality, municipal_admin, central):
    response = client_for(municipal_admin).post(
        staff_url(municipality, "new"), new_project_form(districts=[str(central.pk)])
    )

    assert response.status_code == 400 and response.context["form"].errors["tier"]
    assert not Project.objects.exists()


def test_html_in_the_question_is_kept_as_text(client_for, municipality, municipal_admin):
    client = client_for(municipal_admin)
    client.post(staff_url(municipality, "new"), new_project_form(title="<script>alert(1)</script> Park"))
    project = Project.objects.get()
    page = client.get(staff_url(municipality, project.pk)).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_only_admins_set_projects_up_and_officials_see_their_departments(
    client_for, municipality, municipal_admin, official, make_user, resident
):
    roads = municipality.departments.get(name_en="Roads")
    parks = Department.objects.create(municipality=municipality, name_ru="Парки", name_en="Parks")
    gardener = make_user("gardener")
    Membership.objects.create(
        user=gardener, municipality=municipality, role=Membership.Role.OFFICIAL, department=parks
    )
    start = timezone.now() + timedelta(days=3)
    common = {
        "actor": municipal_admin,
        "municipality": municipality,
        "description": "Why",
        "template": "full",
    }
    roads_project = project_create(title="Roads project", department=roads, starts_at=start, **common)
    parks_project = project_create(title="Parks project", department=parks, starts_at=start, **common)

    listed = client_for(official).get(staff_url(municipality)).content.decode()
    assert "Roads project" in listed and "Parks project" not in listed
    official_client = client_for(official)
    assert official_client.get(staff_url(municipality, roads_project.pk)).status_code == 200
    assert official_client.get(staff_url(municipality, parks_project.pk)).status_code == 404
    assert official_client.get(staff_url(municipality, "new")).status_code == 404
    assert official_client.get(staff_url(municipality, roads_project.pk, "edit")).status_code == 404
    assert official_client.post(staff_url(municipality, roads_project.pk, "publish")).status_code == 404
    assert client_for(gardener).get(staff_url(municipality, roads_project.pk)).status_code == 404
    assert client_for(resident).get(staff_url(municipality)).status_code == 404
    roads_project.refresh_from_db()
    assert roads_project.published_at is None


def test_settings_are_edited_and_a_refusal_changes_nothing(client_for, municipality, municipal_admin):
    project = project_create(
        actor=municipal_admin,
        municipality=municipality,
        title="Old question",
        description="Why",
        template="full",
        starts_at=timezone.now() + timedelta(days=3),
    )
    client = client_for(municipal_admin)
    roads = municipality.departments.get(name_en="Roads")
    form = new_project_form(title="New question", department=str(roads.pk), approval_limit="5")

    refused = client.post(staff_url(municipality, project.pk, "edit"), {**form, "approval_limit": "51"})
    assert refused.status_code == 400 and refused.context["form"].errors["approval_limit"]
    project.refresh_from_db()
    assert project.title == "Old question"

    saved = client.post(staff_url(municipality, project.pk, "edit"), form)
    assert saved.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.department, project.approval_limit) == ("New question", roads, 5)


def test_a_published_project_keeps_who_takes_part(client_for, municipality, municipal_admin):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)
    response = client_for(municipal_admin).post(
        staff_url(municipality, project.pk, "edit"),
        new_project_form(title=project.title, tier=str(ProjectTier.VERIFIED)),
    )
    assert response.status_code == 409 and response.context["form"].non_field_errors()
    project.refresh_from_db()
    assert project.tier == ProjectTier.REGISTERED


def draft(municipality, municipal_admin):
    return project_create(
        actor=municipal_admin,
        municipality=municipality,
        title="Transport plan",
        description="Which routes should change?",
        template="drafting",
        starts_at=timezone.now() + timedelta(days=3),
    )


def test_the_timeline_is_edited_row_by_row(client_for, siberian, municipal_admin):
    project = draft(siberian, municipal_admin)
    client = client_for(municipal_admin)
    page = client.get(staff_url(siberian, project.pk, "stages"))
    assert page.status_code == 200 and page.content.decode().count('class="stack stage-row"') == 4 + 2
    stages = stages_of(project)
    with timezone.override(NOVOSIBIRSK):
        data = stage_rows(stages)
    last_end = timezone.localtime(stages[-1].ends_at, NOVOSIBIRSK)
    data |= {
        "stages-0-title": "Опрос жителей",
        "stages-1-DELETE": "on",  # the meetings go
        "stages-4-kind": StageKind.VOTING,  # a new stage after the last
        "stages-4-starts_at": (last_end + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "stages-4-ends_at": (last_end + timedelta(days=8)).strftime("%Y-%m-%dT%H:%M"),
    }

    response = client.post(staff_url(siberian, project.pk, "stages"), data)

    assert response.status_code == 302, response.context["formset"].errors
    after = stages_of(project)
    assert [s.kind for s in after] == [
        StageKind.ANNOUNCEMENT,
        StageKind.DRAFTING,
        StageKind.IMPLEMENTATION,
        StageKind.VOTING,
    ]
    assert after[0].title == "Опрос жителей"
    assert after[-1].starts_at == (last_end + timedelta(days=1)).replace(second=0, microsecond=0)
    assert AuditEntry.objects.filter(action="project.stages").count() == 1


@pytest.mark.parametrize(
    ("row", "changes", "field"),
    [
        (1, {"stages-1-ends_at": "2020-01-01T00:00"}, "ends_at"),  # ends before it starts
        (2, {"stages-2-title": "x" * 500}, "title"),
        (0, {"stages-0-kind": "picnic"}, "kind"),
        (1, {"stages-1-starts_at": "soon"}, "starts_at"),
    ],
)
def test_a_bad_row_is_refused_on_that_row(client_for, municipality, municipal_admin, row, changes, field):
    project = draft(municipality, municipal_admin)
    before = [(s.kind, s.title, s.starts_at, s.ends_at) for s in stages_of(project)]
    client = client_for(municipal_admin)
    with timezone.override(ZoneInfo("Europe/Moscow")):
        data = stage_rows(stages_of(project), **changes)

    response = client.post(staff_url(municipality, project.pk, "stages"), data)

    assert response.status_code == 400
    forms = response.context["formset"].forms
    assert forms[row].errors[field]
    assert all(not form.errors for i, form in enumerate(forms) if i != row)
    assert [(s.kind, s.title, s.starts_at, s.ends_at) for s in stages_of(project)] == before


def test_overlapping_stages_are_refused_on_the_later_row(client_for, municipality, municipal_admin):
    project = draft(municipality, municipal_admin)
    stages = stages_of(project)
    with timezone.override(ZoneInfo("Europe/Moscow")):
        data = stage_rows(stages)
        overlap = timezone.localtime(stages[1].ends_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data["stages-2-starts_at"] = overlap

    response = client_for(municipal_admin).post(staff_url(municipality, project.pk, "stages"), data)

    assert response.status_code == 400
    assert response.context["formset"].forms[2].errors["starts_at"]
    assert stages_of(project)[2].starts_at == stages[2].starts_at


def test_removing_every_stage_is_refused_above_the_rows(client_for, municipality, municipal_admin):
    project = draft(municipality, municipal_admin)
    stages = stages_of(project)
    data = stage_rows(stages, **{f"stages-{i}-DELETE": "on" for i in range(len(stages))})

    response = client_for(municipal_admin).post(staff_url(municipality, project.pk, "stages"), data)

    assert response.status_code == 400 and response.context["formset"].non_form_errors()
    assert len(stages_of(project)) == len(stages)


def test_a_started_stage_keeps_its_kind_on_the_page(client_for, municipality, municipal_admin, english):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.DISCUSSION)
    stages = stages_of(project)
    client = client_for(municipal_admin, language="en")
    with timezone.override(ZoneInfo("Europe/Moscow")):
        unchanged = stage_rows(stages)
    # The page shows no seconds: sent back as shown, the started stages keep their exact starts.
    assert client.post(staff_url(municipality, project.pk, "stages"), unchanged).status_code == 302
    assert [s.starts_at for s in stages_of(project)] == [s.starts_at for s in stages]

    changed = {**unchanged, "stages-0-kind": StageKind.ANNOUNCEMENT}
    response = client.post(staff_url(municipality, project.pk, "stages"), changed)

    assert response.status_code == 409
    assert "has started" in str(response.context["formset"].forms[0].errors["kind"])
    assert stages_of(project)[0].kind == StageKind.IDEAS


def test_publishing_and_the_ways_to_the_staff_pages(client_for, municipality, municipal_admin, resident):
    project = draft(municipality, municipal_admin)
    client = client_for(municipal_admin)
    manage = client.get(staff_url(municipality, project.pk)).content.decode()
    assert "Опубликовать" in manage

    response = client.post(staff_url(municipality, project.pk, "publish"))

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.published_at is not None
    assert "опубликован" in messages_of(client.get(response["Location"]))
    detail = f"/m/{municipality.slug}/projects/{project.pk}/"
    assert staff_url(municipality, project.pk) in client.get(detail).content.decode()
    assert staff_url(municipality, project.pk) not in client_for(resident).get(detail).content.decode()
    home = client.get(f"/m/{municipality.slug}/staff/").content.decode()
    assert staff_url(municipality) in home


def test_staff_pages_in_english(client_for, municipality, municipal_admin):
    project = draft(municipality, municipal_admin)
    client = client_for(municipal_admin, language="en")
    assert "New project" in client.get(staff_url(municipality)).content.decode()
    assert "Save the timeline" in client.get(staff_url(municipality, project.pk, "stages")).content.decode()
    assert "Edit the timeline" in client.get(staff_url(municipality, project.pk)).content.decode()
    assert Stage.objects.filter(project=project).count() == 4


def test_the_staff_list_reads_a_fixed_number_of_queries(client_for, municipality, municipal_admin):
    client = client_for(municipal_admin)
    draft(municipality, municipal_admin)
    client.get(staff_url(municipality))
    with CaptureQueriesContext(connection) as one:
        assert client.get(staff_url(municipality)).status_code == 200
    for kind in (StageKind.IDEAS, StageKind.VOTING, StageKind.SELECTION):
        project_in_stage(actor=municipal_admin, municipality=municipality, kind=kind, title=f"In {kind}")
    with CaptureQueriesContext(connection) as four:
        page = client.get(staff_url(municipality))
    assert len(four) == len(one) <= 12
    assert page.content.decode().count("/dashboard/") == 4
