"""Who sees a document and its amendments.

A published document is public with its project; a document not yet published is seen only by those
who run the project. An amendment hidden by a moderator is seen by its author and the moderators.
"""

from typing import Any

from veche.access.functions import access_visible, is_visible, parse_pk
from veche.access.roles import Person
from veche.core.errors import NotFound
from veche.crowdprojects.access import can_run, can_see_project
from veche.crowdprojects.models import Project
from veche.drafting.models import Amendment, Document, Section, Version


def can_see_document(user: Person, document: Document) -> bool:
    project = document.project
    if not can_see_project(user, project):
        return False
    return document.published_at is not None or can_run(user, project)


def access_document(user: Person, document_id: Any, *, project: Project | None = None) -> Document:
    """A document (of `project` when one is named) as this person may see it; else NotFound."""
    documents = Document.objects.select_related("project", "project__municipality", "project__department")
    documents = documents.select_related("municipality")
    if project is not None:
        documents = documents.filter(project=project)
    return access_visible(user, documents, document_id, can_see_document)


def access_document_to_run(user: Person, document_id: Any, *, project: Project) -> Document:
    document = access_document(user, document_id, project=project)
    if not can_run(user, document.project):
        raise NotFound()
    return document


def access_version(document: Document, number: Any) -> Version:
    """A version of a document by its number; an unpublished document's first version only to staff
    (who alone see the document)."""
    version = Version.objects.filter(document=document, number=parse_pk(number)).first()
    if version is None:
        raise NotFound()
    version.document = document
    return version


def access_section(version: Version, key: Any) -> Section:
    """The section with `key` in `version`."""
    section = Section.objects.filter(version=version, key=parse_pk(key)).first()
    if section is None:
        raise NotFound()
    section.version = version
    return section


def can_see_amendment(user: Person, amendment: Amendment) -> bool:
    return can_see_document(user, amendment.document) and is_visible(user, amendment, amendment.author)


def access_amendment(user: Person, amendment_id: Any, *, document: Document | None = None) -> Amendment:
    """An amendment (of `document` when one is named) as this person may see it; else NotFound."""
    amendments = Amendment.objects.select_related(
        "municipality",
        "author",
        "document",
        "document__municipality",
        "document__project",
        "document__project__municipality",
        "section",
        "base_version",
    )
    if document is not None:
        amendments = amendments.filter(document=document)
    return access_visible(user, amendments, amendment_id, can_see_amendment)
