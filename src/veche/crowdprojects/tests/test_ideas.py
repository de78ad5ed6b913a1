"""The services of ideas: propose and edit while the ideas stage runs, support once with a receipt,
merge duplicates counting a shared supporter once, and the similar ideas."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from veche.core.audit import AuditEntry
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.testing import jpeg_bytes
from veche.crowdprojects.ideas_selectors import similar_ideas, stems
from veche.crowdprojects.models import IdeaAuthor, IdeaStatus, IdeaSupport, ProjectTier, StageKind
from veche.crowdprojects.services.ideas import (
    AlreadySupported,
    idea_create,
    idea_merge,
    idea_support,
    idea_tags,
    idea_update,
)
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.ledger.models import LedgerEntry
from veche.ledger.services import chain_name
from veche.notifications.models import Notification

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[37.5, 55.7], [37.7, 55.7], [37.7, 55.8], [37.5, 55.8], [37.5, 55.7]]],
}


@pytest.fixture
def project(municipality, municipal_admin):
    return project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS)


@pytest.fixture
def propose(project):
    def make(author, title="Benches by the pond", body="Put new benches along the pond path.", **extra):
        return idea_create(
            author=author, project=project, title=title, body=body, now=timezone.now(), **extra
        )

    return make


def test_an_idea_is_proposed_while_the_ideas_stage_runs(propose, resident):
    photo = SimpleUploadedFile("a.jpg", jpeg_bytes(exif_gps=True), content_type="image/jpeg")
    idea = propose(
        resident, tags="Park, benches,  park ,#Light", latitude=55.75, longitude=37.6, photos=[photo]
    )
    assert idea.status == IdeaStatus.PUBLISHED
    assert idea.tags == "park,benches,light"
    assert (idea.latitude, idea.longitude) == (55.75, 37.6)
    assert idea.photos.count() == 1


@pytest.mark.parametrize("kind", [StageKind.VOTING, StageKind.DISCUSSION])
def test_outside_the_ideas_stage_nothing_is_proposed(municipality, municipal_admin, resident, kind):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=kind)
    with pytest.raises(Conflict) as refused:
        idea_create(
            author=resident, project=project, title="T", body="A long enough body", now=timezone.now()
        )
    assert refused.value.code == "not_collecting"
    assert not project.ideas.exists()


def test_a_project_of_verified_residents_refuses_the_unverified(municipality, municipal_admin, resident):
    project = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, tier=ProjectTier.VERIFIED
    )
    with pytest.raises(Forbidden):
        idea_create(
            author=resident, project=project, title="T", body="A long enough body", now=timezone.now()
        )


def test_a_district_project_admits_only_its_residents(
    municipality, municipal_admin, resident_of, central, northern
):
    project = project_in_stage(
        actor=municipal_admin,
        municipality=municipality,
        kind=StageKind.IDEAS,
        tier=ProjectTier.VERIFIED,
        districts=[central],
    )
    outsider = resident_of("outsider", northern)
    with pytest.raises(Forbidden):
        idea_create(
            author=outsider, project=project, title="T", body="A long enough body", now=timezone.now()
        )
    insider = resident_of("insider", central)
    idea = idea_create(
        author=insider, project=project, title="T", body="A long enough body", now=timezone.now()
    )
    with pytest.raises(Forbidden):
        idea_support(user=outsider, idea=idea, now=timezone.now())
    assert idea_support(user=insider, idea=idea, now=timezone.now()).pk


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "", "body": "A long enough body"}, "title"),
        ({"title": "Two\nlines", "body": "A long enough body"}, "title"),
        ({"title": "x" * 201, "body": "A long enough body"}, "title"),
        ({"title": "Short", "body": "too short"}, "body"),
        ({"title": "Short", "body": "\u200b" * 40}, "body"),
        ({"title": "Short", "body": "x" * 20001}, "body"),
        (
            {"title": "Short", "body": "A long enough body", "tags": ",".join(f"t{i}" for i in range(9))},
            "tags",
        ),
        ({"title": "Short", "body": "A long enough body", "tags": "x" * 31}, "tags"),
        ({"title": "Short", "body": "A long enough body", "tags": "<b>bold</b>"}, "tags"),
        ({"title": "Short", "body": "A long enough body", "latitude": 55.75}, "latitude"),
        ({"title": "Short", "body": "A long enough body", "latitude": "x", "longitude": 1}, "latitude"),
        ({"title": "Short", "body": "A long enough body", "latitude": 95, "longitude": 37}, "latitude"),
        (
            {"title": "Short", "body": "A long enough body", "latitude": float("nan"), "longitude": 37},
            "latitude",
        ),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_written(project, resident, fields, field):
    with pytest.raises(DomainError) as refused:
        idea_create(author=resident, project=project, now=timezone.now(), **fields)
    assert field in refused.value.fields
    assert not project.ideas.exists()


def test_a_place_outside_the_municipality_is_refused(project, resident, central):
    central.polygon = SQUARE
    central.save()
    with pytest.raises(DomainError) as refused:
        idea_create(
            author=resident,
            project=project,
            title="T",
            body="A long enough body",
            latitude=10,
            longitude=10,
            now=timezone.now(),
        )
    assert "latitude" in refused.value.fields
    inside = idea_create(
        author=resident,
        project=project,
        title="T",
        body="A long enough body",
        latitude=55.75,
        longitude=37.6,
        now=timezone.now(),
    )
    assert inside.latitude == 55.75


def test_more_than_five_photos_or_a_broken_one_leave_no_idea(project, resident):
    photos = [SimpleUploadedFile(f"{i}.jpg", jpeg_bytes(), content_type="image/jpeg") for i in range(6)]
    with pytest.raises(DomainError) as refused:
        idea_create(
            author=resident,
            project=project,
            title="T",
            body="A long enough body",
            photos=photos,
            now=timezone.now(),
        )
    assert "photos" in refused.value.fields
    broken = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(DomainError):
        idea_create(
            author=resident,
            project=project,
            title="T",
            body="A long enough body",
            photos=[broken],
            now=timezone.now(),
        )
    assert not project.ideas.exists()


def test_html_is_kept_as_text(propose, resident):
    idea = propose(resident, title="<script>alert(1)</script>", body="<img src=x onerror=alert(1)> benches")
    assert idea.title == "<script>alert(1)</script>"


def test_tags_are_normalised():
    assert idea_tags("Park,  Old Trees ,park,#light") == "park,old trees,light"
    assert idea_tags(["A", "b"]) == "a,b"
    assert idea_tags("") == ""


def test_the_author_edits_until_the_ideas_stage_ends(project, propose, resident, make_user):
    idea = propose(resident)
    other = make_user("other")
    with pytest.raises(NotFound):
        idea_update(author=other, idea=idea, title="Mine", body="A long enough body", now=timezone.now())
    idea = idea_update(
        author=resident,
        idea=idea,
        title="Better benches",
        body="Wooden benches by the pond.",
        tags="wood",
        now=timezone.now(),
    )
    assert (idea.title, idea.tags) == ("Better benches", "wood")
    with pytest.raises(Conflict):
        idea_update(
            author=resident,
            idea=idea,
            title="Late",
            body="A long enough body",
            now=timezone.now() + timedelta(days=60),
        )
    idea.refresh_from_db()
    assert idea.title == "Better benches"


def test_one_support_per_person_on_the_ideas_chain_with_a_receipt(propose, resident, make_user):
    idea = propose(resident)
    supporter = make_user("supporter")
    first = idea_support(user=supporter, idea=idea, now=timezone.now())
    assert first.receipt
    assert LedgerEntry.objects.filter(chain=chain_name(idea), entry_hash=first.receipt).exists()
    with pytest.raises(AlreadySupported) as again:
        idea_support(user=supporter, idea=idea, now=timezone.now())
    assert again.value.endorsement.pk == first.pk
    idea.refresh_from_db()
    assert idea.endorsements_count == 1


def test_no_support_outside_a_stage_that_takes_them(municipality, municipal_admin, resident, make_user):
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    idea = project.ideas.create(
        municipality=municipality,
        author=resident,
        title="T",
        body="A long enough body",
        created_at=timezone.now(),
    )
    with pytest.raises(Conflict) as refused:
        idea_support(user=make_user("late"), idea=idea, now=timezone.now())
    assert refused.value.code == "not_collecting"
    assert not IdeaSupport.objects.exists()


def test_a_merge_moves_supporters_counting_a_shared_one_once(propose, resident, author, make_user, moderator):
    source = propose(author, title="Benches in the park")
    target = propose(resident, title="New benches")
    shared, only_source, only_target = make_user("shared"), make_user("only_source"), make_user("only_target")
    now = timezone.now()
    for user in (shared, only_source):
        idea_support(user=user, idea=source, now=now)
    for user in (shared, only_target):
        idea_support(user=user, idea=target, now=now)
    entries = LedgerEntry.objects.count()
    merged = idea_merge(actor=moderator, source=source, target=target, reason="The same benches", now=now)
    source.refresh_from_db()
    assert source.status == IdeaStatus.MERGED and source.merged_into_id == target.pk
    assert merged.endorsements_count == 3 == IdeaSupport.objects.filter(petition=target).count()
    assert set(IdeaSupport.objects.filter(petition=target).values_list("user__username", flat=True)) == {
        "shared",
        "only_source",
        "only_target",
    }
    assert IdeaAuthor.objects.filter(idea=target, user=author, merged_from=source).exists()
    assert LedgerEntry.objects.count() == entries  # the ledger is not rewritten
    assert AuditEntry.objects.filter(action="idea.merge").count() == 1
    told = set(Notification.objects.filter(kind="idea.merged").values_list("recipient__username", flat=True))
    assert {"author", "resident", "shared", "only_source"} <= told
    with pytest.raises(Conflict) as refused:
        idea_support(user=make_user("late"), idea=source, now=now)
    assert refused.value.code == "not_collecting"


def test_only_moderators_and_organisers_merge(
    propose, resident, author, make_user, official, municipal_admin
):
    source, target = propose(author), propose(resident, title="Other")
    with pytest.raises(NotFound):
        idea_merge(actor=resident, source=source, target=target, reason="", now=timezone.now())
    with pytest.raises(DomainError):
        idea_merge(actor=municipal_admin, source=source, target=source, reason="", now=timezone.now())
    idea_merge(actor=municipal_admin, source=source, target=target, reason="", now=timezone.now())
    with pytest.raises(Conflict):
        idea_merge(actor=municipal_admin, source=source, target=target, reason="", now=timezone.now())


def test_no_merge_once_voting_has_begun(municipality, municipal_admin, resident, author):
    """Ballots name ideas: merging two of them after voting began would split or double their votes."""
    project = project_in_stage(actor=municipal_admin, municipality=municipality, kind=StageKind.VOTING)
    source, target = (
        project.ideas.create(
            municipality=municipality,
            author=who,
            title=title,
            body="A long enough body",
            created_at=timezone.now(),
        )
        for who, title in ((author, "Benches"), (resident, "More benches"))
    )
    with pytest.raises(Conflict) as refused:
        idea_merge(actor=municipal_admin, source=source, target=target, reason="", now=timezone.now())
    assert refused.value.code == "voting_started"
    source.refresh_from_db()
    assert source.status == IdeaStatus.PUBLISHED and source.merged_into_id is None


def test_another_projects_idea_cannot_be_a_merge_target(
    propose, municipality, municipal_admin, author, resident
):
    other = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, title="Other"
    )
    source = propose(author)
    elsewhere = idea_create(
        author=resident, project=other, title="T", body="A long enough body", now=timezone.now()
    )
    with pytest.raises(NotFound):
        idea_merge(actor=municipal_admin, source=source, target=elsewhere, reason="", now=timezone.now())


def test_stems_meet_across_word_forms():
    assert stems("скамейки") == stems("скамейка") == stems("Скамейку")
    assert stems("benches") == stems("bench")
    assert not stems("и в на the and of")


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        ("Поставить скамейку у пруда", "Новые скамейки у пруда"),
        ("More benches near the pond", "A bench by the pond"),
        ("Освещение на набережной", "Фонари и освещение набережной"),
    ],
)
def test_similar_ideas_share_stems_in_both_languages(project, propose, resident, draft, expected):
    propose(resident, title="Новые скамейки у пруда", body="Старые скамейки сломаны, нужны новые.")
    propose(resident, title="A bench by the pond", body="Benches by the pond would help older people.")
    propose(resident, title="Фонари и освещение набережной", body="На набережной темно вечером, нужен свет.")
    propose(resident, title="Велодорожка вдоль реки", body="Сделать велодорожку от моста до парка.")
    found = similar_ideas(project=project, text=draft)
    assert found and found[0].idea.title == expected
    assert all(s.idea.title != "Велодорожка вдоль реки" for s in found)


def test_similar_ideas_leave_out_hidden_merged_and_other_projects(
    propose, project, resident, municipal_admin, municipality
):
    kept = propose(resident, title="Скамейки в парке", body="Нужны новые скамейки в парке.")
    hidden = propose(resident, title="Скамейки у входа", body="Скамейки у входа в парк.")
    hidden.hidden_at = timezone.now()
    hidden.save()
    merged = propose(resident, title="Ещё скамейки", body="Больше скамеек в парке.")
    idea_merge(actor=municipal_admin, source=merged, target=kept, reason="", now=timezone.now())
    other = project_in_stage(
        actor=municipal_admin, municipality=municipality, kind=StageKind.IDEAS, title="Other"
    )
    idea_create(
        author=resident, project=other, title="Скамейки", body="Скамейки во дворе нужны.", now=timezone.now()
    )
    found = similar_ideas(project=project, text="скамейка в парке")
    assert [s.idea.pk for s in found] == [kept.pk]
    assert similar_ideas(project=project, text="и в на") == []
