"""What drafting registers with the rest of Veche: amendments as moderated content, as a contribution
to a project's figures and as things named in words (recognition's points for one accepted), and the
documents' section of the project page."""

from typing import Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from veche.crowdprojects import sections, tallies
from veche.crowdprojects.access import can_run
from veche.crowdprojects.models import StageKind
from veche.drafting.access import can_see_document
from veche.drafting.models import Amendment, AmendmentSupport, Document
from veche.ledger.subjects import register as register_subject
from veche.moderation.registry import register


def _visible(user: Any, amendment: Amendment) -> bool:
    return can_see_document(user, amendment.document)


register(
    Amendment,
    url=lambda amendment: amendment.get_absolute_url(),
    excerpt=lambda amendment: f"{amendment.body}\n\n{amendment.rationale}"[:300],
    author=lambda amendment: amendment.author,
    related=("municipality", "author", "document", "document__municipality", "document__project"),
    visible=_visible,
)

register_subject(
    Amendment,
    yours=_("Your amendment to “{}”"),
    entry=_("An amendment to “{}”"),
    municipality=lambda amendment: amendment.municipality,
    url=lambda amendment: amendment.get_absolute_url(),
    related=("municipality", "document", "document__municipality"),
    title=lambda amendment: amendment.document.title,
)
tallies.register_contribution(
    "amendments",
    label=_("amendments"),
    order=60,
    rows=lambda project: Amendment.objects.filter(document__project=project).values(
        "created_at", "tier", user_id=F("author_id")
    ),
    has_tier=True,
)
tallies.register_contribution(
    "amendment_supports",
    label=_("supports of amendments"),
    order=61,
    rows=lambda project: AmendmentSupport.objects.filter(amendment__document__project=project).values(
        "created_at", "tier", "user_id"
    ),
    has_tier=True,
)


def _section(page: sections.Page) -> dict[str, Any] | None:
    """The project's documents (drafts only to those who run it); nothing for a project without any."""
    runs = can_run(page.request.user, page.project)
    documents = Document.objects.filter(project=page.project).select_related("municipality")
    if not runs:
        documents = documents.filter(published_at__isnull=False)
    listed = list(documents.order_by("created_at", "id"))
    drafts = any(stage.kind == StageKind.DRAFTING for stage in page.stages)
    if not listed and not (runs and drafts):
        return None
    drafting_now = page.current is not None and page.current.kind == StageKind.DRAFTING
    return {"documents": listed, "can_run": runs, "drafting_now": drafting_now}


sections.register("drafting", order=70, template="drafting/_project_section.html", context=_section)
