"""Reads of drafted texts that pages and the API share."""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from veche.access.roles import Person, has_permission, is_signed_in
from veche.comments.models import Comment
from veche.drafting.diff import SectionDiff, compare
from veche.drafting.models import Amendment, AmendmentStatus, AmendmentSupport, Document, Section, Version


def documents_for(*, project: Any, viewer: Person, runs: bool) -> QuerySet[Document]:
    """The project's documents: published ones, and the drafts to those who run the project."""
    documents = Document.objects.filter(project=project).select_related("municipality", "project")
    if not runs:
        documents = documents.filter(published_at__isnull=False)
    return documents.order_by("created_at", "id")


def versions_of(document: Document) -> list[Version]:
    return list(Version.objects.filter(document=document).order_by("number"))


def sections_of(version: Version) -> list[Section]:
    sections = list(Section.objects.filter(version=version).order_by("position"))
    for section in sections:
        section.version = version
    return sections


# A day: versions never change, so an entry is only ever dropped to free room.
COMPARE_CACHE_SECONDS = 24 * 60 * 60


def compare_versions(document: Document, start: Version, to: Version) -> list[SectionDiff]:
    """`start` and `to` compared section by section, cached per pair of versions: versions never
    change once published, and a comparison may cost a fraction of a second (`diff.MAX_TOKEN_PAIRS`).
    The key holds each version's creation time too, so that a restored or rebuilt database reusing
    ids never reads another document's comparison."""
    versions = f"{start.pk}:{start.created_at.timestamp()}:{to.pk}:{to.created_at.timestamp()}"
    key = f"drafting:compare:{document.pk}:{versions}"
    diffs: list[SectionDiff] | None = cache.get(key)
    if diffs is None:
        diffs = compare(sections_of(start), sections_of(to))
        cache.set(key, diffs, COMPARE_CACHE_SECONDS)
    return diffs


def visible_amendments(*, document: Document, viewer: Person) -> QuerySet[Amendment]:
    """The document's amendments as `viewer` may see them (hidden ones: their authors and moderators)."""
    amendments = Amendment.objects.filter(document=document).select_related(
        "author", "decided_by", "base_version", "applied_in"
    )
    if is_signed_in(viewer) and has_permission(viewer, document.municipality, "moderate"):
        return amendments
    if is_signed_in(viewer):
        return amendments.filter(Q(hidden_at__isnull=True) | Q(author=viewer))
    return amendments.filter(hidden_at__isnull=True)


@dataclass(frozen=True)
class SectionRow:
    section: Section
    comments: int
    amendments: int
    open_amendments: int


def section_rows(version: Version, *, viewer: Person) -> list[SectionRow]:
    """The version's sections, each with its visible comments and the document's amendments to it (all
    versions): three queries however many sections."""
    sections = sections_of(version)
    comments = dict(
        Comment.objects.filter(
            target_type=ContentType.objects.get_for_model(Section),
            target_id__in=[s.pk for s in sections],
            hidden_at__isnull=True,
        )
        .values("target_id")
        .annotate(n=Count("id"))
        .values_list("target_id", "n")
    )
    counts = {
        row["section_key"]: row
        for row in visible_amendments(document=version.document, viewer=viewer)
        .values("section_key")
        .annotate(n=Count("id"), open=Count("id", filter=Q(status=AmendmentStatus.PROPOSED)))
        .order_by()
    }
    return [
        SectionRow(
            section=s,
            comments=comments.get(s.pk, 0),
            amendments=counts[s.key]["n"] if s.key in counts else 0,
            open_amendments=counts[s.key]["open"] if s.key in counts else 0,
        )
        for s in sections
    ]


def supported_by(viewer: Person, amendments: list[Amendment]) -> set[int]:
    """The ids of those of `amendments` that `viewer` supports."""
    if not is_signed_in(viewer) or not amendments:
        return set()
    return set(
        AmendmentSupport.objects.filter(user=viewer, amendment__in=[a.pk for a in amendments]).values_list(
            "amendment_id", flat=True
        )
    )


def waiting(document: Document) -> QuerySet[Amendment]:
    """Accepted amendments that the next version will apply."""
    return Amendment.objects.filter(
        document=document, status=AmendmentStatus.ACCEPTED, applied_in__isnull=True, hidden_at__isnull=True
    ).order_by("created_at", "id")
