"""The pages of a drafted text, for residents and organisers, in Russian and English."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from veche.comments.models import Comment
from veche.core.testing import localised_numbers, text_in
from veche.drafting.models import Amendment, AmendmentStatus, Document, Section, Version
from veche.drafting.services import amendment_decide, amendment_propose, version_publish
from veche.drafting.tests.helpers import TEXT, drafting_project, published_document, section
from veche.moderation.services import content_hide

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(municipality, municipal_admin):
    return drafting_project(actor=municipal_admin, municipality=municipality)


@pytest.fixture
def document(project, municipal_admin):
    return published_document(actor=municipal_admin, project=project)


def _url(name, document, *more):
    return reverse(name, args=[document.municipality.slug, document.project_id, document.pk, *more])


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_document_page_shows_numbered_sections_with_counts(
    document, resident, client_for, django_assert_max_num_queries, language
):
    benches = section(document, "2")
    amendment_propose(author=resident, section=benches, body="Thirty metres.")
    client = client_for(resident, language=language)
    with django_assert_max_num_queries(30):
        page = client.get(document.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Benches" in html and f'id="section-{benches.key}"' in html
    assert text_in(language, "Propose an amendment") in html
    assert not localised_numbers(html)
    project_page = client.get(document.project.get_absolute_url())
    assert document.get_absolute_url() in project_page.content.decode()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_resident_comments_on_a_section_and_proposes_and_supports_amendments(
    document, resident, verified_resident, client_for, language
):
    benches = section(document, "2")
    client = client_for(resident, language=language)
    form = client.get(_url("drafting:amend", document, benches.key))
    assert form.status_code == 200 and "Benches stand every fifty metres." in form.content.decode()
    sent = client.post(
        _url("drafting:amend", document, benches.key),
        {"kind": "change", "body": "Benches every <b>thirty</b> metres.", "rationale": "More rest."},
    )
    assert sent.status_code == 302
    amendment = Amendment.objects.get()
    commented = client.post(_url("drafting:comment", document, benches.key), {"body": "Which side?"})
    assert commented.status_code == 302
    assert Comment.objects.filter(
        target_type=ContentType.objects.get_for_model(Section), target_id=benches.pk
    ).exists()
    other = client_for(verified_resident, language=language)
    supported = other.post(_url("drafting:support", document, amendment.pk))
    assert supported.status_code == 302
    amendment.refresh_from_db()
    assert amendment.supporters_count == 1
    page = other.get(_url("drafting:section", document, benches.key))
    html = page.content.decode()
    assert "Which side?" in html and text_in(language, "You support it") in html
    assert "&lt;b&gt;thirty&lt;/b&gt;" not in html  # Markdown renders it sanitised, never as raw HTML
    assert "<b>thirty</b>" in html or "thirty" in html


def test_bad_amendments_show_field_errors_and_change_nothing(document, resident, client_for):
    benches = section(document, "2")
    client = client_for(resident)
    url = _url("drafting:amend", document, benches.key)
    assert client.post(url, {"kind": "change", "body": "x" * 5000}).status_code == 400
    assert client.post(url, {"kind": "change", "body": ""}).status_code == 400
    assert client.post(url, {"kind": "nonsense", "body": "y"}).status_code == 400
    assert (
        client.post(_url("drafting:amend", document, 999), {"kind": "change", "body": "y"}).status_code == 404
    )
    assert not Amendment.objects.exists()


def test_another_documents_section_or_amendment_is_not_found(
    document, project, municipal_admin, resident, client_for
):
    other = published_document(actor=municipal_admin, project=project, text="## Only\none")
    amendment = amendment_propose(author=resident, section=section(document, "2"), body="Thirty metres.")
    client = client_for(resident)
    assert client.get(_url("drafting:section", other, 3)).status_code == 404
    assert client.post(_url("drafting:support", other, amendment.pk)).status_code == 404


def test_outside_the_stage_nobody_is_invited_to_amend(municipality, municipal_admin, resident, client_for):
    meetings = drafting_project(actor=municipal_admin, municipality=municipality, kind="meetings")
    document = published_document(actor=municipal_admin, project=meetings)
    benches = section(document, "2")
    client = client_for(resident, language="en")
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Propose an amendment" not in page
    refused = client.post(_url("drafting:amend", document, benches.key), {"kind": "change", "body": "Other."})
    assert refused.status_code == 409
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_organiser_writes_publishes_decides_and_publishes_a_version(
    project, municipal_admin, resident, client_for, language
):
    client = client_for(municipal_admin, language=language)
    new = reverse("drafting:create", args=[project.municipality.slug, project.pk])
    assert client.get(new).status_code == 200
    assert client.post(new, {"title": "Rules", "text": ""}).status_code == 400
    assert client.post(new, {"title": "Rules", "text": TEXT}).status_code == 302
    document = Document.objects.get()
    assert client_for(resident).get(document.get_absolute_url()).status_code == 404
    edit = client.get(_url("drafting:edit", document))
    assert edit.status_code == 200 and "## 2 Benches" in edit.content.decode()
    assert (
        client.post(_url("drafting:edit", document), {"title": "Park rules", "text": TEXT}).status_code == 302
    )
    assert client.post(_url("drafting:publish", document)).status_code == 302
    document.refresh_from_db()
    assert document.published_at is not None and document.title == "Park rules"
    benches = section(document, "2")
    amendment = amendment_propose(author=resident, section=benches, body="Thirty metres.")
    decide = _url("drafting:decide", document, amendment.pk)
    client.post(decide, {"decision": "accept", "reason": ""})
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.PROPOSED
    assert client.post(decide, {"decision": "accept", "reason": "Agreed."}).status_code == 302
    assert client.get(_url("drafting:version_new", document)).status_code == 200
    published = client.post(_url("drafting:version_new", document), {"note": "Benches."})
    assert published.status_code == 302 and "from=1&to=2" in published["Location"]
    assert Version.objects.filter(document=document).count() == 2
    versions = client.get(_url("drafting:versions", document))
    assert versions.status_code == 200 and text_in(language, "Compare") in versions.content.decode()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_comparison_page_stacks_the_changes_with_words_for_screen_readers(
    document, resident, municipal_admin, client_for, django_assert_max_num_queries, language
):
    amendment = amendment_propose(
        author=resident,
        section=section(document, "2"),
        body="Benches every <script>x</script> thirty metres.",
    )
    amendment_decide(actor=municipal_admin, amendment=amendment, accept=True, reason="Yes.")
    version_publish(actor=municipal_admin, document=document)
    client = client_for(resident, language=language)
    with django_assert_max_num_queries(20):
        page = client.get(_url("drafting:compare", document) + "?from=1&to=2")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>x</script>" not in html and "&lt;" in html
    assert "<ins>" in html and "<del>" in html
    assert text_in(language, "added:") in html and text_in(language, "removed:") in html
    assert 'data-status="changed"' in html and 'data-status="unchanged"' in html
    assert client.get(_url("drafting:compare", document) + "?from=1&to=9").status_code == 404
    assert client.get(_url("drafting:compare", document) + "?from=x").status_code == 404
    assert client.get(_url("drafting:compare", document)).status_code == 200


def test_a_hidden_amendment_is_seen_by_its_author_and_moderators_only(
    document, resident, verified_resident, moderator, client_for, django_assert_max_num_queries
):
    shown = amendment_propose(author=verified_resident, section=section(document, "2"), body="Twenty metres.")
    hidden = amendment_propose(author=resident, section=section(document, "2"), body="Buy my benches!")
    content_hide(moderator=moderator, content=hidden, reason="Advertising")
    url = _url("drafting:section", document, section(document, "2").key)
    viewer = client_for(verified_resident)
    with CaptureQueriesContext(connection) as few:
        viewer.get(url)
    for n in range(3):
        amendment_propose(author=moderator, section=section(document, "2"), body=f"Wording {n}.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = viewer.get(url).content.decode()
    assert "Twenty metres." in page and "Buy my benches!" not in page and "Wording 2." in page
    assert "Buy my benches!" in client_for(resident).get(url).content.decode()
    assert "Buy my benches!" in client_for(moderator).get(url).content.decode()
    assert (
        client_for(verified_resident).post(_url("drafting:support", document, hidden.pk)).status_code == 404
    )
    assert shown.pk != hidden.pk
