"""Documents, versions, amendments, supports and decisions (`drafting.services`)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.access.roles import Tier
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.audit import AuditEntry
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.crowdprojects import tallies
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.services.ideas import idea_support
from veche.drafting.models import Amendment, AmendmentStatus, AmendmentSupport, Section, Version
from veche.drafting.services import (
    amendment_decide,
    amendment_propose,
    amendment_support,
    amendment_withdraw,
    document_create,
    document_publish,
    document_update,
    drafting_phase,
    latest_version,
    section_comment,
    version_publish,
)
from veche.drafting.tests.helpers import TEXT, drafting_project, published_document, section
from veche.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(municipality, municipal_admin):
    return drafting_project(actor=municipal_admin, municipality=municipality)


@pytest.fixture
def document(project, municipal_admin):
    return published_document(actor=municipal_admin, project=project)


def test_a_document_is_split_into_sections_and_published_as_version_1(project, municipal_admin, resident):
    document = document_create(actor=municipal_admin, project=project, title="Park rules", text=TEXT)
    version = latest_version(document)
    assert version.number == 1
    rows = list(Section.objects.filter(version=version).values_list("key", "number", "heading"))
    assert rows == [(1, "0", ""), (2, "1", "Paths"), (3, "2", "Benches"), (4, "3", "Light")]
    document_update(actor=municipal_admin, document=document, title="Park rules", text="## A\nx\n\n## B\ny")
    assert list(Section.objects.filter(version=version).values_list("key", "heading")) == [(1, "A"), (2, "B")]
    with pytest.raises(NotFound):
        document_create(actor=resident, project=project, title="Mine", text=TEXT)
    document_publish(actor=municipal_admin, document=document)
    document_publish(actor=municipal_admin, document=document)
    document.refresh_from_db()
    assert document.published_at is not None
    with pytest.raises(Conflict):
        document_update(actor=municipal_admin, document=document, title="Park rules", text="## C\nz")
    assert AuditEntry.objects.filter(action="document.publish").count() == 1


def test_bad_texts_are_refused(project, municipal_admin):
    with pytest.raises(DomainError) as empty:
        document_create(actor=municipal_admin, project=project, title="Rules", text=" \n ")
    assert "text" in empty.value.fields
    with pytest.raises(DomainError) as long_section:
        document_create(actor=municipal_admin, project=project, title="Rules", text="## A\n" + "x" * 5000)
    assert "text" in long_section.value.fields
    with pytest.raises(DomainError) as many:
        document_create(
            actor=municipal_admin,
            project=project,
            title="Rules",
            text="\n\n".join(f"p{i}" for i in range(201)),
        )
    assert "text" in many.value.fields
    with pytest.raises(DomainError):
        document_create(actor=municipal_admin, project=project, title="Two\nlines", text="ok")


def test_a_resident_proposes_an_amendment_once(document, resident):
    benches = section(document, "2")
    amendment = amendment_propose(author=resident, section=benches, body="Benches every thirty metres.")
    again = amendment_propose(author=resident, section=benches, body="Benches every thirty metres.")
    assert again.pk == amendment.pk
    assert amendment.section_key == benches.key and amendment.base_version.number == 1
    assert amendment.tier == Tier.REGISTERED and amendment.status == AmendmentStatus.PROPOSED
    script = amendment_propose(author=resident, section=benches, body="<script>alert(1)</script> benches")
    assert script.body == "<script>alert(1)</script> benches"  # kept as text, escaped when shown


def test_amendments_are_refused_outside_the_stage_and_with_bad_input(municipality, municipal_admin, resident):
    ideas = drafting_project(actor=municipal_admin, municipality=municipality, kind=StageKind.MEETINGS)
    document = published_document(actor=municipal_admin, project=ideas)
    with pytest.raises(Conflict) as closed:
        amendment_propose(author=resident, section=section(document, "2"), body="Other")
    assert closed.value.code == "stage_closed"
    assert drafting_phase(ideas).name == "closed"
    project = drafting_project(actor=municipal_admin, municipality=municipality)
    document = published_document(actor=municipal_admin, project=project)
    benches = section(document, "2")
    with pytest.raises(DomainError) as huge:
        amendment_propose(author=resident, section=benches, body="x" * (settings.TEXT_MAX_LENGTH + 1))
    assert "body" in huge.value.fields
    with pytest.raises(DomainError) as same:
        amendment_propose(author=resident, section=benches, body=benches.body)
    assert "body" in same.value.fields
    with pytest.raises(DomainError) as kind:
        amendment_propose(author=resident, section=benches, kind="rewrite", body="x")
    assert "kind" in kind.value.fields
    assert not Amendment.objects.exists()


def test_a_verified_project_refuses_registered_residents(
    municipality, municipal_admin, resident, verified_resident
):
    project = drafting_project(actor=municipal_admin, municipality=municipality, tier=Tier.VERIFIED)
    document = published_document(actor=municipal_admin, project=project)
    with pytest.raises(Forbidden):
        amendment_propose(author=resident, section=section(document, "2"), body="Other")
    amendment_propose(author=verified_resident, section=section(document, "2"), body="Other")


def test_supports_are_once_per_person_and_not_the_authors(
    document, resident, verified_resident, municipal_admin
):
    amendment = amendment_propose(author=resident, section=section(document, "2"), body="Thirty metres.")
    amendment_support(user=verified_resident, amendment=amendment)
    with pytest.raises(Conflict) as twice:
        amendment_support(user=verified_resident, amendment=amendment)
    assert twice.value.code == "already_supported"
    with pytest.raises(Conflict) as own:
        amendment_support(user=resident, amendment=amendment)
    assert own.value.code == "own_amendment"
    amendment.refresh_from_db()
    assert amendment.supporters_count == 1 == AmendmentSupport.objects.count()
    amendment_decide(actor=municipal_admin, amendment=amendment, accept=False, reason="Too many benches.")
    with pytest.raises(Conflict):
        amendment_support(user=municipal_admin, amendment=amendment)


def test_a_decision_needs_a_reason_and_tells_the_author_and_supporters(
    document, resident, verified_resident, municipal_admin
):
    amendment = amendment_propose(author=resident, section=section(document, "2"), body="Thirty metres.")
    amendment_support(user=verified_resident, amendment=amendment)
    with pytest.raises(DomainError) as no_reason:
        amendment_decide(actor=municipal_admin, amendment=amendment, accept=True, reason="  ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(NotFound):
        amendment_decide(actor=resident, amendment=amendment, accept=True, reason="I like it")
    amendment_decide(actor=municipal_admin, amendment=amendment, accept=True, reason="Good idea.")
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACCEPTED and amendment.decision_reason == "Good idea."
    told = set(Notification.objects.filter(kind="amendment.decided").values_list("recipient_id", flat=True))
    assert told == {resident.pk, verified_resident.pk}
    assert AuditEntry.objects.filter(action="amendment.accept").exists()
    with pytest.raises(Conflict):
        amendment_decide(actor=municipal_admin, amendment=amendment, accept=False, reason="Changed my mind")
    with pytest.raises(Conflict):
        amendment_withdraw(actor=resident, amendment=amendment)


def test_only_the_author_withdraws(document, resident, verified_resident):
    amendment = amendment_propose(author=resident, section=section(document, "2"), body="Thirty metres.")
    with pytest.raises(Forbidden):
        amendment_withdraw(actor=verified_resident, amendment=amendment)
    assert amendment_withdraw(actor=resident, amendment=amendment).status == AmendmentStatus.WITHDRAWN


def test_a_version_applies_accepted_changes_removals_and_additions(document, resident, municipal_admin):
    benches, light = section(document, "2"), section(document, "3")
    change = amendment_propose(author=resident, section=benches, body="Benches every thirty metres.")
    remove = amendment_propose(author=resident, section=light, kind="remove")
    add = amendment_propose(author=resident, section=benches, kind="add", heading="Dogs", body="On a lead.")
    rejected = amendment_propose(
        author=resident, section=section(document, "1"), body="Paths are swept daily."
    )
    for amendment in (change, remove, add):
        amendment_decide(actor=municipal_admin, amendment=amendment, accept=True, reason="Yes.")
    amendment_decide(actor=municipal_admin, amendment=rejected, accept=False, reason="No.")
    version = version_publish(actor=municipal_admin, document=document, note="Benches and dogs.")
    assert version.number == 2
    rows = list(Section.objects.filter(version=version).values_list("key", "number", "heading", "body"))
    assert rows == [
        (1, "0", "", "Preamble: the rules of the park."),
        (2, "1", "Paths", "Paths are kept clean."),
        (3, "2", "Benches", "Benches every thirty metres."),
        (5, "2.1", "Dogs", "On a lead."),
    ]
    assert set(Amendment.objects.filter(applied_in=version).values_list("pk", flat=True)) == {
        change.pk,
        remove.pk,
        add.pk,
    }
    # Version 1 stays as it was.
    assert Section.objects.filter(version__number=1, version__document=document).count() == 4
    with pytest.raises(Conflict) as nothing:
        version_publish(actor=municipal_admin, document=document)
    assert nothing.value.code == "nothing_to_apply"


def test_two_accepted_amendments_of_one_section_refuse_the_version(
    document, resident, verified_resident, municipal_admin
):
    benches = section(document, "2")
    first = amendment_propose(author=resident, section=benches, body="Thirty metres.")
    second = amendment_propose(author=verified_resident, section=benches, body="Twenty metres.")
    for amendment in (first, second):
        amendment_decide(actor=municipal_admin, amendment=amendment, accept=True, reason="Yes.")
    with pytest.raises(Conflict) as refused:
        version_publish(actor=municipal_admin, document=document)
    assert f"#{first.pk}" in refused.value.message and f"#{second.pk}" in refused.value.message
    assert Version.objects.filter(document=document).count() == 1


def test_an_amendment_to_an_older_version_cannot_be_accepted_once_the_section_changed(
    document, resident, verified_resident, municipal_admin
):
    benches = section(document, "2")
    first = amendment_propose(author=resident, section=benches, body="Thirty metres.")
    late = amendment_propose(author=verified_resident, section=benches, body="Twenty metres.")
    untouched = amendment_propose(author=verified_resident, section=section(document, "3"), body="Till one.")
    amendment_decide(actor=municipal_admin, amendment=first, accept=True, reason="Yes.")
    version_publish(actor=municipal_admin, document=document)
    with pytest.raises(Conflict) as outdated:
        amendment_decide(actor=municipal_admin, amendment=late, accept=True, reason="Yes.")
    assert outdated.value.code == "outdated"
    amendment_decide(actor=municipal_admin, amendment=untouched, accept=True, reason="Section unchanged.")
    with pytest.raises(Conflict) as old:
        amendment_propose(author=resident, section=benches, body="Ten metres.")
    assert old.value.code == "outdated"


def test_section_comments_use_the_drafting_phase(document, resident, municipality):
    benches = section(document, "2")
    comment = comment_create(
        author=resident,
        municipality=municipality,
        target=benches,
        body="Where exactly?",
        phase=drafting_phase(document.project),
    )
    assert comment.target == benches


def test_section_comments_keep_to_the_projects_districts(
    municipality, municipal_admin, resident_of, central, northern
):
    """A project for one district: a resident verified elsewhere may not comment on its text, as they
    may not amend it (comments once checked only the stage and the tier; found by review)."""
    project = drafting_project(
        actor=municipal_admin, municipality=municipality, tier=Tier.VERIFIED, districts=[central]
    )
    document = published_document(actor=municipal_admin, project=project)
    benches = section(document, "2")
    with pytest.raises(Forbidden):
        section_comment(
            author=resident_of("north", northern), municipality=municipality, target=benches, body="Not here"
        )
    assert not Comment.objects.exists()
    section_comment(
        author=resident_of("here", central), municipality=municipality, target=benches, body="Here"
    )
    assert Comment.objects.count() == 1


def test_a_drafting_stage_does_not_open_ideas_to_support(municipality, municipal_admin, author, resident):
    """Supporting amendments is amending (AMEND); an idea still proposed takes no supports then."""
    project = drafting_project(actor=municipal_admin, municipality=municipality)
    idea = project.ideas.create(
        municipality=municipality,
        author=author,
        title="Benches",
        body="Benches by the pond",
        created_at=timezone.now(),
    )
    with pytest.raises(Conflict):
        idea_support(user=resident, idea=idea, now=timezone.now())


def test_amendments_and_their_supports_are_counted_as_contributions(document, resident, verified_resident):
    amendment = amendment_propose(author=resident, section=section(document, "2"), body="Thirty metres.")
    amendment_support(user=verified_resident, amendment=amendment)
    found = {c.key: c for c in tallies.contributions()}
    assert found["amendments"].has_tier
    assert list(found["amendments"].rows(document.project).values_list("user_id", flat=True)) == [resident.pk]
    assert found["amendment_supports"].rows(document.project).count() == 1


def test_an_accept_that_raced_a_version_is_not_applied_over_the_new_wording(
    document, resident, verified_resident, municipal_admin
):
    benches = section(document, "2")
    first = amendment_propose(author=resident, section=benches, body="Thirty metres.")
    raced = amendment_propose(author=verified_resident, section=benches, body="Twenty metres.")
    amendment_decide(actor=municipal_admin, amendment=first, accept=True, reason="Yes.")
    version_publish(actor=municipal_admin, document=document)
    # What an accept checked against version 1 while version 2 was being published would have left.
    Amendment.objects.filter(pk=raced.pk).update(
        status=AmendmentStatus.ACCEPTED, decided_at=timezone.now(), decision_reason="Yes."
    )

    with pytest.raises(Conflict) as refused:
        version_publish(actor=municipal_admin, document=document)

    assert refused.value.code == "outdated_amendments" and f"#{raced.pk}" in refused.value.message
    assert Version.objects.filter(document=document).count() == 2
    assert section(document, "2").body == "Thirty metres."


def test_deciding_an_amendment_locks_its_document_before_the_amendment(document, resident, municipal_admin):
    amendment = amendment_propose(author=resident, section=section(document, "2"), body="Thirty metres.")
    with CaptureQueriesContext(connection) as queries:
        amendment_decide(actor=municipal_admin, amendment=amendment, accept=True, reason="Yes.")
    tables = [
        table
        for query in queries.captured_queries
        for table in ("drafting_document", "drafting_amendment")
        if query["sql"].startswith("SELECT")
        and f'FROM "{table}"' in query["sql"]
        and (connection.vendor != "postgresql" or "FOR UPDATE" in query["sql"])
    ]
    # On PostgreSQL the FOR UPDATE rows; SQLite takes the database at the first write (IMMEDIATE), and
    # the same order of reads shows there.
    assert tables[:2] == ["drafting_document", "drafting_amendment"], tables
