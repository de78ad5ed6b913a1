"""The implementation: milestones and their updates, overdue milestones, residents' monitoring reports
and their rating of the result, on pages and in the API."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.crowdprojects import tallies
from veche.crowdprojects.models import (
    PHOTOS_MAX,
    Milestone,
    MilestonePhoto,
    MilestoneUpdate,
    MonitoringReport,
    ProjectTier,
    ResultRating,
    StageKind,
)
from veche.crowdprojects.selection_selectors import overdue_milestones
from veche.crowdprojects.services.implementation import (
    milestone_add,
    milestone_complete,
    milestone_update,
    monitoring_report_file,
    result_rate,
)
from veche.crowdprojects.services.selection import project_selection_publish
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.crowdprojects.tests.selection_helpers import decide, idea_in, implementing
from veche.moderation.services import content_hide
from veche.notifications.models import Notification
from veche.notifications.services import follow

pytestmark = pytest.mark.django_db

SEEN = "The pipes are laid along the whole path, the trench is filled in."


@pytest.fixture
def world(municipality, municipal_admin, author):
    return implementing(actor=municipal_admin, municipality=municipality, author=author)


def _page(world):
    project = world.project
    return f"/m/{project.municipality.slug}/projects/{project.pk}/ideas/{world.taken_up.pk}/implementation/"


def _today():
    return timezone.localdate()


def test_milestones_are_kept_for_taken_up_ideas_by_those_who_run_the_project(
    world, municipal_admin, resident
):
    with pytest.raises(Conflict):
        milestone_add(actor=municipal_admin, idea=world.declined, title="No", due_on=_today())
    with pytest.raises(NotFound):
        milestone_add(actor=resident, idea=world.taken_up, title="Mine", due_on=_today())
    for refused in ("", "x" * 300, "two\nlines"):
        with pytest.raises(DomainError):
            milestone_add(actor=municipal_admin, idea=world.taken_up, title=refused, due_on=_today())
    assert Milestone.objects.count() == 1
    second = milestone_add(actor=municipal_admin, idea=world.taken_up, title="Build", due_on=_today())
    assert second.position == 2


def test_no_milestones_before_the_selection_is_published(municipality, municipal_admin, author):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    idea = idea_in(project, author)
    decide(municipal_admin, idea)
    with pytest.raises(Conflict):
        milestone_add(actor=municipal_admin, idea=idea, title="Early", due_on=_today())
    project_selection_publish(actor=municipal_admin, project=project)
    assert milestone_add(actor=municipal_admin, idea=idea, title="Now", due_on=_today()).pk


def test_a_new_and_a_completed_milestone_tell_the_followers_once(world, municipal_admin, resident):
    follow(user=resident, target=world.project)
    milestone = milestone_add(actor=municipal_admin, idea=world.taken_up, title="Benches", due_on=_today())
    milestone_complete(actor=municipal_admin, milestone=milestone)
    with pytest.raises(Conflict):
        milestone_complete(actor=municipal_admin, milestone=milestone)
    kinds = list(Notification.objects.filter(recipient=resident).values_list("kind", flat=True))
    assert sorted(kinds) == ["crowdprojects.milestone", "crowdprojects.milestone_done"]
    milestone.refresh_from_db()
    assert milestone.progress == 100 and milestone.done_at is not None


def test_an_update_keeps_its_photos_and_refuses_bad_ones(world, municipal_admin, photo):
    bad = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    refusals = [
        {"photos": [bad]},
        {"photos": [photo() for _ in range(PHOTOS_MAX + 1)]},
        {"progress": 101},
        {"progress": -1},
        {"text": ""},
    ]
    for refusal in refusals:
        args = {"text": "The trench is dug.", "progress": 40, **refusal}
        with pytest.raises(DomainError):
            milestone_update(actor=municipal_admin, milestone=world.milestone, **args)
    assert not MilestoneUpdate.objects.exists()
    milestone_update(
        actor=municipal_admin,
        milestone=world.milestone,
        text="The trench is dug.",
        progress=40,
        photos=[photo()],
    )
    world.milestone.refresh_from_db()
    assert world.milestone.progress == 40 and MilestonePhoto.objects.count() == 1


def test_overdue_on_the_object_and_in_the_query_agree(world, municipal_admin):
    today = _today()
    past = today - timedelta(days=3)
    made = {
        "due later": (today + timedelta(days=2), None, None),
        "due today": (today, None, None),
        "past, never updated": (past, None, None),
        "past, updated before": (past, past - timedelta(days=1), None),
        "past, updated on the day": (past, past, None),
        "past, updated since": (past, past + timedelta(days=1), None),
        "past, done": (past, None, timezone.now()),
    }
    for title, (due_on, updated_on, done_at) in made.items():
        milestone = milestone_add(actor=municipal_admin, idea=world.taken_up, title=title, due_on=due_on)
        Milestone.objects.filter(pk=milestone.pk).update(updated_on=updated_on, done_at=done_at)
    by_object = {m.title for m in Milestone.objects.filter(idea=world.taken_up) if m.is_overdue(today)}
    by_query = set(overdue_milestones(world.project, today).values_list("title", flat=True))
    assert (
        by_object == by_query == {"past, never updated", "past, updated before", "past, updated on the day"}
    )


def test_an_update_after_the_due_day_lifts_overdue(world, municipal_admin, client_for):
    Milestone.objects.filter(pk=world.milestone.pk).update(due_on=_today() - timedelta(days=2))
    staff = f"/m/{world.project.municipality.slug}/projects/{world.project.pk}/selection/"
    assert 'data-overdue="1"' in client_for(municipal_admin).get(staff).content.decode()
    project_page = client_for().get(world.project.get_absolute_url()).content.decode()
    assert "1 этап просрочен" in project_page
    milestone_update(
        actor=municipal_admin, milestone=world.milestone, text="Half of it is done.", progress=50
    )
    assert not overdue_milestones(world.project, _today()).exists()


def test_monitoring_reports_are_filed_in_the_implementation_stage_with_photos(world, resident, photo):
    bad = SimpleUploadedFile("x.png", b"\x89PNG broken", content_type="image/png")
    refusals = [
        {"verdict": "maybe"},
        {"text": ""},
        {"text": "x" * 2001},
        {"photos": [bad]},
        {"photos": [photo() for _ in range(PHOTOS_MAX + 1)]},
        {"milestone": Milestone(pk=999999, idea_id=world.declined.pk)},
    ]
    for refusal in refusals:
        args = {"verdict": "partly", "text": SEEN, **refusal}
        with pytest.raises(DomainError):
            monitoring_report_file(actor=resident, idea=world.taken_up, **args)
    with pytest.raises(Conflict):
        monitoring_report_file(actor=resident, idea=world.declined, verdict="done", text=SEEN)
    assert not MonitoringReport.objects.exists()
    report = monitoring_report_file(
        actor=resident,
        idea=world.taken_up,
        verdict="partly",
        text=SEEN,
        milestone=world.milestone,
        photos=[photo(exif_gps=True)],
    )
    assert report.photos.count() == 1 and report.tier == 1


def test_monitoring_is_closed_outside_the_stage_and_the_project_scope(
    municipality, municipal_admin, author, resident, resident_of, central, northern
):
    selecting = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.SELECTION)
    idea = idea_in(selecting, author)
    decide(municipal_admin, idea)
    project_selection_publish(actor=municipal_admin, project=selecting)
    with pytest.raises(Conflict):
        monitoring_report_file(actor=resident, idea=idea, verdict="done", text=SEEN)
    with pytest.raises(Conflict):
        result_rate(actor=resident, idea=idea, stars=4)
    local = implementing(
        actor=municipal_admin,
        municipality=municipality,
        author=author,
        title="Northern square",
        districts=[northern],
        tier=ProjectTier.VERIFIED,
    )
    with pytest.raises(Forbidden):  # not verified at all
        monitoring_report_file(actor=resident, idea=local.taken_up, verdict="done", text=SEEN)
    with pytest.raises(Forbidden):  # verified elsewhere
        result_rate(actor=resident_of("central", central), idea=local.taken_up, stars=4)
    assert not MonitoringReport.objects.exists() and not ResultRating.objects.exists()
    assert monitoring_report_file(
        actor=resident_of("northern", northern), idea=local.taken_up, verdict="done", text=SEEN
    ).pk


def test_a_hidden_report_is_seen_by_its_author_and_moderators(world, resident, moderator, client_for):
    report = monitoring_report_file(actor=resident, idea=world.taken_up, verdict="not_done", text=SEEN)
    content_hide(moderator=moderator, content=report, reason="Personal data")
    url = _page(world)
    assert SEEN not in client_for().get(url).content.decode()
    assert SEEN in client_for(resident).get(url).content.decode()
    assert SEEN in client_for(moderator).get(url).content.decode()


def test_one_rating_per_person_changeable_and_counted(world, resident, verified_resident):
    for stars in (0, 6, "5", True, None):
        with pytest.raises(DomainError):
            result_rate(actor=resident, idea=world.taken_up, stars=stars)
    result_rate(actor=resident, idea=world.taken_up, stars=2)
    result_rate(actor=resident, idea=world.taken_up, stars=5)
    result_rate(actor=verified_resident, idea=world.taken_up, stars=4)
    assert ResultRating.objects.filter(user=resident).get().stars == 5
    [(_figure, values)] = [
        (f, v) for f, v in tallies.figures_of(world.project, viewer=None) if f.key == "result_rating"
    ]
    assert values == {world.taken_up.pk: 4.5}
    counted = {c.key: c.rows(world.project).count() for c in tallies.contributions()}
    assert counted["result_ratings"] == 2


def test_the_implementation_page_and_its_forms(world, client_for, resident, municipal_admin, photo):
    base = _page(world)
    page = client_for(resident).get(base).content.decode()
    assert "Lay the pipes" in page and "готово на 0%" in page and 'data-progress="0"' in page
    assert "Сообщите, что вы видите" in page and "Добавить этап" not in page
    resident_client = client_for(resident)
    sent = resident_client.post(
        f"{base}monitoring/", {"verdict": "partly", "text": SEEN, "photos": [photo()]}
    )
    assert sent.status_code == 302 and MonitoringReport.objects.get().photos.count() == 1
    assert resident_client.post(f"{base}rating/", {"stars": "4"}).status_code == 302
    assert ResultRating.objects.get().stars == 4
    refused = resident_client.post(f"{base}rating/", {"stars": "9"}, follow=True)
    assert ResultRating.objects.get().stars == 4 and refused.status_code == 200
    assert (
        resident_client.post(f"{base}milestones/", {"title": "Mine", "due_on": "2030-01-01"}).status_code
        == 404
    )
    staff = client_for(municipal_admin)
    assert staff.post(f"{base}milestones/", {"title": "Benches", "due_on": "2030-01-01"}).status_code == 302
    milestone = Milestone.objects.get(title="Benches")
    assert (
        staff.post(f"{base}milestones/{milestone.pk}/update/", {"text": "Half", "progress": "50"}).status_code
        == 302
    )
    assert staff.post(f"{base}milestones/{milestone.pk}/complete/").status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_at is not None
    other = world.declined
    assert (
        staff.post(
            f"{base.replace(str(world.taken_up.pk), str(other.pk))}milestones/{milestone.pk}/complete/"
        ).status_code
        == 404
    )


def test_the_monitoring_form_sends_a_report_not_an_appeal(world, client_for, resident):
    # "Send the report" is also the reports' button, in Russian "Отправить обращение" (an appeal to the
    # city); a monitoring report is a "отчёт".
    page = client_for(resident).get(_page(world)).content.decode()
    assert "Отправить отчёт" in page and "Отправить обращение" not in page


@pytest.mark.language("en")
def test_the_implementation_page_in_english(world, client_for):
    url = _page(world)
    html = client_for(language="en").get(url).content.decode()
    assert "Implementation" in html and "0% done" in html and "Log in to report what you see." in html


def test_the_api_lists_milestones_in_few_queries(world, api_for, resident, municipal_admin):
    for n in range(4):
        milestone_add(actor=municipal_admin, idea=world.taken_up, title=f"Step {n}", due_on=_today())
    api = api_for(resident)
    url = f"/api/v1/ideas/{world.taken_up.pk}/milestones"
    with CaptureQueriesContext(connection) as queries:
        body = api.get(url).json()
    assert len(queries) <= 10
    assert body["count"] == 5 and body["items"][0]["title"] == "Lay the pipes"
    assert body["items"][0]["overdue"] is False and body["items"][0]["progress"] == 0
    assert api.get("/api/v1/ideas/999999/milestones").status_code == 404


def test_the_api_takes_monitoring_as_json_or_multipart(world, api_for, resident, photo):
    api = api_for(resident)
    url = f"/api/v1/ideas/{world.taken_up.pk}/monitoring"
    made = api.post(
        url,
        {"verdict": "done", "text": SEEN, "milestone": world.milestone.pk},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["milestone"] == world.milestone.pk
    multipart = api.post(url, {"verdict": "partly", "text": SEEN, "photos": [photo()]})
    assert multipart.status_code == 201 and len(multipart.json()["photos"]) == 1
    refusals = [
        ("not json", "application/json"),
        ('{"verdict": "maybe", "text": "x"}', "application/json"),
        ('{"verdict": "done"}', "application/json"),
        ('{"verdict": "done", "text": "x", "milestone": 999999}', "application/json"),
        ('{"verdict": "done", "text": "<script>", "milestone": "1"}', "application/json"),
        ("[]", "application/json"),
    ]
    for body, content_type in refusals:
        answer = api.post(url, body, content_type=content_type)
        assert answer.status_code in (400, 422), body
        assert "error" in answer.json()
    # A digit that is not an ASCII one (it once passed str.isdigit and int() failed: a 500).
    for odd in ("²", "١", "9" * 30):
        answer = api.post(url, {"verdict": "done", "text": SEEN, "milestone": odd})
        assert answer.status_code in (400, 422), odd
        assert "error" in answer.json()
    declined = api.post(
        f"/api/v1/ideas/{world.declined.pk}/monitoring",
        {"verdict": "done", "text": SEEN},
        content_type="application/json",
    )
    assert declined.status_code == 409
    assert MonitoringReport.objects.count() == 2
