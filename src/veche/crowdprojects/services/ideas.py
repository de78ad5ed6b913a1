"""Every write to a project's ideas: propose, edit, support and merge.

An idea is a petition without a threshold (`petitions.services`): its supports go through
`petition_endorse` with the ideas' `RULES`, one per person, each on the idea's hash chain with a
receipt. What a stage opens (`stages.KINDS`) says when ideas are proposed (SUBMIT) and supported
(SUPPORT); a project limited to districts admits only residents verified in one of them.

Merging moves the source idea's supporters onto the target (counted once: a person who supported
both keeps their support of the target) and credits its author as a co-author. The ledger is not
rewritten: the supports given to the source stay entries of the source's chain, and their receipts
still check there; a moved support row keeps its receipt.
"""

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from veche.access.functions import is_author
from veche.access.predicates import Feature, Phase, admits_district, allows
from veche.access.roles import has_permission, verified_district
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.images import reencode_image
from veche.core.text import check_text, visible_length
from veche.crowdprojects.access import can_run
from veche.crowdprojects.models import (
    TAGS_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Idea,
    IdeaAuthor,
    IdeaPhoto,
    IdeaStatus,
    IdeaSupport,
    Project,
    Stage,
    StageKind,
)
from veche.crowdprojects.selectors import current_phase
from veche.municipalities.selectors import municipality_contains
from veche.notifications.messages import message
from veche.notifications.services import follow, notify
from veche.petitions.models import PetitionPolicy
from veche.petitions.services import (
    AlreadyEndorsed,
    PetitionRules,
    petition_endorse,
    petition_endorsers,
)

MAX_PHOTOS = 5
# As a report's description: a word or two tells the others nothing.
MIN_BODY = 10
TAGS_MAX = 8
TAG_MAX_LENGTH = 30
MERGE_REASON_MAX_LENGTH = 1000
_TAG = re.compile(r"^[\w][\w \-]*$")


class AlreadySupported(AlreadyEndorsed):
    """The person has supported the idea before; `endorsement` is that first support."""

    default_code = "already_supported"
    default_message = gettext_lazy("You have already supported this idea.")


def idea_phase(idea: Idea, now: datetime | None = None) -> Phase:
    """The project's phase as it applies to `idea`: a hidden, merged or decided idea takes no
    supports whatever the stage opens."""
    phase = current_phase(idea.project, now or timezone.now())
    if idea.is_hidden or idea.status != IdeaStatus.PUBLISHED:
        return Phase(
            name=phase.name,
            features=phase.features - {Feature.SUPPORT},
            tier=phase.tier,
            closed_reason=phase.closed_reason,
        )
    return phase


def _district_refusal(project: Project, user: User) -> None:
    scope = [district.pk for district in project.districts.all()]
    if scope and not admits_district(scope, verified_district(user=user, municipality=project.municipality)):
        raise Forbidden(_("Only residents verified in the project's districts take part in it."))


def _admit(idea: Idea, user: User) -> dict[str, Any]:
    _district_refusal(idea.project, user)
    return {}


def _supporters(idea: Idea) -> list[User]:
    return list(petition_endorsers(RULES, idea))


NOT_SUPPORTABLE = {
    "hidden": gettext_lazy("A moderator has hidden this idea; it cannot be supported."),
    IdeaStatus.PUBLISHED: gettext_lazy("Ideas are not supported at this stage of the project."),
    IdeaStatus.THRESHOLD_REACHED: gettext_lazy("Ideas are not supported at this stage of the project."),
    IdeaStatus.MERGED: gettext_lazy("This idea has been merged into another; support that one."),
    IdeaStatus.SELECTED: gettext_lazy("The selection has decided on this idea; it takes no more support."),
    IdeaStatus.NOT_SELECTED: gettext_lazy(
        "The selection has decided on this idea; it takes no more support."
    ),
}

RULES = PetitionRules(
    model=Idea,
    endorsement=IdeaSupport,
    phase_of=idea_phase,
    already=AlreadySupported,
    not_endorsable=NOT_SUPPORTABLE,
    answer_permission="run_projects",
    # Ideas have no threshold, so no support ever makes an answer due and no policy is ever read.
    policy=cast(Any, PetitionPolicy),
    audit_count="supporters",
    reached_title=gettext_noop("The idea “{}” has collected enough support"),
    reached_body=gettext_noop("An official answer is due by {}."),
    overdue_title=gettext_noop("The answer to the idea “{}” is overdue"),
    answer_refusals={
        "hidden": gettext_lazy("A moderator has hidden this idea; restore it before deciding."),
        "answered": gettext_lazy("The selection has already decided on this idea."),
        "early": gettext_lazy("The selection decides on ideas in its own stage."),
    },
    reached_audience=lambda idea: [idea.author],
    answer_audience=lambda idea: [idea.author, *_supporters(idea)],
    related=("municipality", "author", "project", "project__municipality"),
    admit=_admit,
    ledger_kind="idea_support",
)


# Checks of what the author typed ---------------------------------------------------------------------


def idea_tags(value: str | Sequence[str] | None) -> str:
    """Tags as stored: comma-separated, lower case, each trimmed, repeats dropped; or a DomainError."""
    if value is None:
        return ""
    raw = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    tags: list[str] = []
    for item in raw:
        tag = " ".join(item.split()).lower().lstrip("#")
        if not tag or tag in tags:
            continue
        if len(tag) > TAG_MAX_LENGTH:
            raise DomainError(
                fields={"tags": [_("A tag has at most %(n)d characters.") % {"n": TAG_MAX_LENGTH}]}
            )
        if not _TAG.match(tag):
            raise DomainError(fields={"tags": [_("Tags are words: letters, digits, spaces and hyphens.")]})
        tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise DomainError(fields={"tags": [_("At most %(n)d tags.") % {"n": TAGS_MAX}]})
    joined = ",".join(tags)
    if len(joined) > TAGS_MAX_LENGTH:
        raise DomainError(fields={"tags": [_("The tags are too long together: use fewer or shorter ones.")]})
    return joined


def _point(project: Project, latitude: Any, longitude: Any) -> tuple[float | None, float | None]:
    """The idea's place (optional: both or neither), inside the municipality."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise DomainError(
            fields={"latitude": [_("Choose the place on the map or leave it empty.")]}
        ) from None
    if not -90 <= lat <= 90 or not -180 <= lon <= 180:  # NaN fails both comparisons
        raise DomainError(fields={"latitude": [_("The place is outside the map.")]})
    municipality = project.municipality
    if not municipality_contains(municipality, lat, lon):
        text = _("This place is outside %(city)s.") % {"city": municipality.title}
        raise DomainError(text, fields={"latitude": [text]})
    return lat, lon


def _text(title: str, body: str) -> tuple[str, str]:
    if not isinstance(title, str) or not isinstance(body, str):
        raise DomainError(fields={"title": [_("This field is required.")]})
    title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    body = check_text(body, "body")
    if visible_length(body) < MIN_BODY:
        raise DomainError(
            fields={
                "body": [_("Describe the idea in a few words: at least %(n)d characters.") % {"n": MIN_BODY}]
            }
        )
    return title, body


def _photos(photos: Sequence[UploadedFile], already: int = 0) -> list[Any]:
    if len(photos) + already > MAX_PHOTOS:
        raise DomainError(fields={"photos": [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
    # Re-encoded before anything is written, so a broken file leaves no idea behind.
    return [reencode_image(upload) for upload in photos]


def _may_submit(author: User, project: Project, now: datetime) -> None:
    if not project.municipality.is_active:
        raise NotFound()
    phase = current_phase(project, now)
    decision = allows(author, project.municipality, Feature.SUBMIT, phase)
    if decision.closed:
        raise Conflict(_("Ideas are proposed only while the ideas stage runs."), code="not_collecting")
    if not decision:
        raise Forbidden(decision.reason)
    _district_refusal(project, author)


# The writes -----------------------------------------------------------------------------------------


def idea_create(
    *,
    author: User,
    project: Project,
    title: str,
    body: str,
    tags: str | Sequence[str] | None = "",
    latitude: Any = None,
    longitude: Any = None,
    photos: Sequence[UploadedFile] = (),
    now: datetime,
) -> Idea:
    """Propose an idea while the project's stage takes them (SUBMIT), as one who takes part in it."""
    _may_submit(author, project, now)
    title, body = _text(title, body)
    stored_tags = idea_tags(tags)
    lat, lon = _point(project, latitude, longitude)
    encoded = _photos(photos)
    with transaction.atomic():
        idea = Idea.objects.create(
            municipality=project.municipality,
            project=project,
            author=author,
            title=title,
            body=body,
            tags=stored_tags,
            latitude=lat,
            longitude=lon,
            created_at=now,
        )
        for content in encoded:
            IdeaPhoto.objects.create(idea=idea, image=content, created_at=now)
        follow(user=author, target=idea)
    return idea


def _idea_locked(idea: Idea) -> Idea:
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("municipality", "author", "project", "project__municipality")
        .get(pk=idea.pk)
    )


def idea_update(
    *,
    author: User,
    idea: Idea,
    title: str,
    body: str,
    tags: str | Sequence[str] | None = "",
    latitude: Any = None,
    longitude: Any = None,
    photos: Sequence[UploadedFile] = (),
    now: datetime,
) -> Idea:
    """The author changes their idea while the ideas stage runs (as long as it is still proposed);
    new photos are added to those it has."""
    if not is_author(author, idea):
        raise NotFound()
    project = idea.project
    if current_phase(project, now).name != StageKind.IDEAS:
        raise Conflict(_("Ideas can be changed only while the ideas stage runs."), code="not_collecting")
    title, body = _text(title, body)
    stored_tags = idea_tags(tags)
    lat, lon = _point(project, latitude, longitude)
    # Photos are re-encoded before the idea's row is locked (on SQLite the lock is the whole
    # database's write lock), then their number is checked again under the lock.
    encoded = _photos(photos, idea.photos.count())
    with transaction.atomic():
        idea = _idea_locked(idea)
        if idea.status != IdeaStatus.PUBLISHED:
            raise Conflict(_("This idea can no longer be changed."), code="invalid_transition")
        if len(encoded) + idea.photos.count() > MAX_PHOTOS:
            raise DomainError(fields={"photos": [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
        idea.title, idea.body, idea.tags = title, body, stored_tags
        idea.latitude, idea.longitude, idea.updated_at = lat, lon, now
        idea.save(update_fields=["title", "body", "tags", "latitude", "longitude", "updated_at"])
        for content in encoded:
            IdeaPhoto.objects.create(idea=idea, image=content, created_at=now)
    return idea


def idea_support(*, user: User, idea: Idea, now: datetime) -> IdeaSupport:
    """Support `idea` once (`petitions.services.petition_endorse`), on its chain, with a receipt.

    Raises AlreadySupported (a Conflict carrying the first support) when the person supported it
    before, whatever its state; 409 while the stage takes no supports; 403 outside the project's
    districts or below its tier."""
    return petition_endorse(rules=RULES, user=user, petition=idea, now=now)


def can_merge(user: Any, project: Project) -> bool:
    """Moderators of the municipality and those who run the project merge its ideas."""
    return has_permission(user, project.municipality, "moderate") or can_run(user, project)


def idea_merge(*, actor: User, source: Idea, target: Idea, reason: str, now: datetime) -> Idea:
    """Merge `source` into `target` (same project, both proposed and visible): the source's supporters
    support the target, each counted once; its author becomes a co-author of the target; the source
    keeps its page and comments and says where it went. Audited; both authors and the source's
    supporters are told. Returns the target as it now stands."""
    if source.project_id != target.project_id:
        raise NotFound()
    project = source.project
    if not can_merge(actor, project):
        raise NotFound()
    reason = check_text(reason, "reason", limit=MERGE_REASON_MAX_LENGTH, required=False)
    if source.pk == target.pk:
        raise DomainError(fields={"target": [_("Choose another idea to merge into.")]})
    with transaction.atomic():
        # The project's row first, as the selection does (deciding, publishing), so that a merge and a
        # publication of the selection come one after the other; then both ideas in the order of their
        # ids, as every writer of two ideas does, so that two merges (or a merge and a support) never
        # wait for each other in a circle.
        Project.objects.select_for_update(of=("self",)).filter(pk=project.pk).first()
        if Stage.objects.filter(project=project, kind=StageKind.VOTING, starts_at__lte=now).exists():
            # Ballots name ideas: a merge after voting began would split or double their votes.
            raise Conflict(_("Ideas cannot be merged once voting has begun."), code="voting_started")
        locked = {
            idea.pk: idea
            for idea in Idea.objects.select_for_update(of=("self",))
            .select_related("municipality", "author", "project", "project__municipality")
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        source, target = locked[source.pk], locked[target.pk]
        for idea in (source, target):
            if idea.status != IdeaStatus.PUBLISHED or idea.is_hidden:
                raise Conflict(
                    _("Only proposed ideas that are not hidden can be merged: “%(title)s” is not.")
                    % {"title": idea.title},
                    code="invalid_transition",
                )
        source_supporters = list(
            User.objects.filter(pk__in=IdeaSupport.objects.filter(petition=source).values("user"))
        )
        moved_supporters = list(
            IdeaSupport.objects.filter(petition=source)
            .exclude(user__in=IdeaSupport.objects.filter(petition=target).values("user"))
            .values_list("user_id", flat=True)
        )
        IdeaSupport.objects.filter(petition=source, user_id__in=moved_supporters).update(petition=target)
        counts = dict(
            IdeaSupport.objects.filter(petition__in=[source, target])
            .values("petition")
            .annotate(n=Count("id"))
            .values_list("petition", "n")
        )
        source.status, source.merged_into, source.updated_at = IdeaStatus.MERGED, target, now
        source.endorsements_count = counts.get(source.pk, 0)
        source.save(update_fields=["status", "merged_into", "updated_at", "endorsements_count"])
        target.endorsements_count = counts.get(target.pk, 0)
        target.save(update_fields=["endorsements_count"])
        credited = [source.author_id] + list(source.coauthors.values_list("user_id", flat=True))
        for user_id in credited:
            if user_id != target.author_id:
                IdeaAuthor.objects.get_or_create(
                    idea=target, user_id=user_id, defaults={"merged_from": source, "created_at": now}
                )
        audit_record(
            actor=actor,
            action="idea.merge",
            municipality=project.municipality,
            target=source,
            details={"into": target.pk, "moved_supporters": len(moved_supporters), "reason": reason},
        )
        notify(
            recipients=[source.author, target.author, *source_supporters],
            kind="idea.merged",
            title=message(
                gettext_noop("The idea “{}” has been merged into “{}”"), source.title, target.title
            ),
            body=reason,
            url=target.get_absolute_url(),
        )
    return target


def idea_authors(idea: Idea) -> list[User]:
    """The idea's author, then its co-authors in the order they were credited."""
    return [idea.author, *(row.user for row in idea.coauthors.select_related("user"))]


__all__ = [
    "RULES",
    "AlreadySupported",
    "can_merge",
    "idea_authors",
    "idea_create",
    "idea_merge",
    "idea_phase",
    "idea_support",
    "idea_tags",
    "idea_update",
]
