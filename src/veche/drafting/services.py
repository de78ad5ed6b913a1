"""Every write to a drafted text: the organiser's document and versions, residents' amendments and
their supports, the organiser's decisions.

Rules this module decides:

- The text is split into sections by `splitting.split_text` (its docstring says how); before
  publication the organiser may rewrite it whole (`document_update`), after it only amendments
  change it, a version at a time.
- Residents comment, amend and support only while the project's drafting stage runs, with the
  project's tier and districts. Amendments are made against the latest version only.
- An amendment's author does not support it: proposing it is their support; supporters are others.
- Accepting an amendment needs the section as the amendment found it: if a later version changed or
  removed it, the amendment is out of date and can only be rejected (its author may propose again).
- A new version applies every accepted amendment not applied yet. Two of them that change or remove
  the same section refuse the version, naming both: the organiser rejects one first (no silent "the
  later one wins"). New sections proposed after the same section come in the order proposed; one
  after section "2" is numbered "2.1" (the next free "2.k").
"""

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from veche.access.predicates import Feature, Phase, allows
from veche.access.roles import tier_of
from veche.accounts.models import User
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.text import check_text
from veche.crowdprojects.access import require_run, take_part
from veche.crowdprojects.models import Project, StageKind
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.stages import phase_of, stage_at
from veche.drafting.models import (
    DOCUMENT_MAX_LENGTH,
    HEADING_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    NUMBER_MAX_LENGTH,
    SECTIONS_MAX,
    TITLE_MAX_LENGTH,
    Amendment,
    AmendmentKind,
    AmendmentStatus,
    AmendmentSupport,
    Document,
    Section,
    Version,
)
from veche.drafting.splitting import Part, free_number, split_text
from veche.municipalities.models import Municipality
from veche.notifications.messages import message
from veche.notifications.services import notify, notify_followers
from veche.recognition.models import Action as Recognised
from veche.recognition.services import points_award

CLOSED = Phase(
    name="closed",
    features=frozenset({Feature.FLAG}),
    closed_reason=gettext_lazy("The text takes comments and amendments only while the drafting stage runs."),
)


def drafting_phase(project: Project, *, now: datetime | None = None) -> Phase:
    """What the text is open to now: the drafting stage's features while one runs, else nothing."""
    stage = stage_at(stages_of(project), now or timezone.now())
    if stage is None or stage.kind != StageKind.DRAFTING or project.published_at is None:
        return CLOSED
    return phase_of(project, stage)


def _may_take_part(user: User, project: Project, feature: Feature, now: datetime) -> None:
    """A resident's write in the drafting stage: the stage open, the project's tier and districts
    (`crowdprojects.access.take_part`)."""
    decision = take_part(user, project, feature, drafting_phase(project, now=now))
    if not decision:
        if decision.closed:
            raise Conflict(decision.reason, code="stage_closed")
        allowed_here = allows(user, project.municipality, feature, drafting_phase(project, now=now))
        raise Forbidden(decision.reason, code="other_district" if allowed_here else None)


def section_comment(
    *,
    author: User,
    municipality: Municipality,
    target: models.Model,
    body: str,
    phase: Phase | None = None,
    parent_id: int | None = None,
    stance: str = "",
) -> Comment:
    """A comment under a section of a text: the drafting stage (`Feature.COMMENT`), the project's tier
    and districts, then `comment_create`."""
    if not isinstance(target, Section):
        raise NotFound()
    project = target.version.document.project
    _may_take_part(author, project, Feature.COMMENT, timezone.now())
    return comment_create(
        author=author,
        municipality=municipality,
        target=target,
        body=body,
        phase=phase or drafting_phase(project),
        parent_id=parent_id,
        stance=stance,
    )


def _locked(document: Document) -> Document:
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("municipality", "project", "project__municipality")
        .get(pk=document.pk)
    )


def latest_version(document: Document) -> Version:
    version = Version.objects.filter(document=document).order_by("-number").first()
    if version is None:  # every document is made with its first version
        raise NotFound()
    version.document = document
    return version


def _check_parts(text: str) -> list[Part]:
    text = check_text(text, "text", limit=DOCUMENT_MAX_LENGTH)
    parts = split_text(text)
    if not parts:
        raise DomainError(fields={"text": [_("This field is required.")]})
    if len(parts) > SECTIONS_MAX:
        raise DomainError(
            fields={"text": [_("A document has at most %(n)d sections.") % {"n": SECTIONS_MAX}]}
        )
    for part in parts:
        where = {"number": part.number}
        if len(part.body) > settings.TEXT_MAX_LENGTH:
            raise DomainError(
                fields={
                    "text": [
                        _("Section %(number)s is too long: at most %(n)d characters a section.")
                        % {**where, "n": settings.TEXT_MAX_LENGTH}
                    ]
                }
            )
        if len(part.heading) > HEADING_MAX_LENGTH or len(part.number) > NUMBER_MAX_LENGTH:
            raise DomainError(
                fields={
                    "text": [
                        _("The heading of section %(number)s is too long: at most %(n)d characters.")
                        % {**where, "n": HEADING_MAX_LENGTH}
                    ]
                }
            )
    return parts


def _write_sections(version: Version, parts: list[Part], keys: list[int]) -> None:
    Section.objects.bulk_create(
        [
            Section(
                version=version,
                position=place,
                key=key,
                number=part.number,
                heading=part.heading,
                body=part.body,
            )
            for place, (part, key) in enumerate(zip(parts, keys, strict=True), start=1)
        ]
    )


def document_create(
    *, actor: User, project: Project, title: str, text: str, now: datetime | None = None
) -> Document:
    """A draft document of `project`, its text split into sections as the first version (not public
    until `document_publish`)."""
    require_run(actor, project)
    title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    parts = _check_parts(text)
    now = now or timezone.now()
    with transaction.atomic():
        document = Document.objects.create(
            project=project,
            municipality=project.municipality,
            title=title,
            created_by=actor,
            created_at=now,
            last_key=len(parts),
        )
        version = Version.objects.create(document=document, number=1, created_at=now, created_by=actor)
        _write_sections(version, parts, list(range(1, len(parts) + 1)))
        audit_record(
            actor=actor,
            action="document.create",
            municipality=project.municipality,
            target=document,
            details={"project": project.pk, "sections": len(parts)},
        )
    return document


def document_update(*, actor: User, document: Document, title: str, text: str) -> Document:
    """Rewrite a document not yet published: its title and its whole text, split again."""
    require_run(actor, document.project)
    title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    parts = _check_parts(text)
    with transaction.atomic():
        document = _locked(document)
        if document.published_at is not None:
            raise Conflict(
                _("A published document changes only by amendments, in a new version."), code="published"
            )
        version = Version.objects.get(document=document, number=1)
        Section.objects.filter(version=version).delete()
        _write_sections(version, parts, list(range(1, len(parts) + 1)))
        document.title, document.last_key = title, len(parts)
        document.save(update_fields=["title", "last_key"])
        audit_record(
            actor=actor,
            action="document.update",
            municipality=document.municipality,
            target=document,
            details={"sections": len(parts)},
        )
    return document


def document_publish(*, actor: User, document: Document, now: datetime | None = None) -> Document:
    """Make the document public as version 1; publishing twice is once."""
    require_run(actor, document.project)
    with transaction.atomic():
        document = _locked(document)
        if document.published_at is not None:
            return document
        document.published_at = now or timezone.now()
        document.save(update_fields=["published_at"])
        audit_record(
            actor=actor, action="document.publish", municipality=document.municipality, target=document
        )
    notify_followers(
        target=document.project,
        kind="document.published",
        title=message(gettext_noop("A text to draft together: “{}”"), document.title),
        url=document.get_absolute_url(),
        exclude=actor,
    )
    return document


def amendment_propose(
    *,
    author: User,
    section: Section,
    kind: str = AmendmentKind.CHANGE,
    body: str = "",
    heading: str = "",
    rationale: str = "",
    now: datetime | None = None,
) -> Amendment:
    """Propose a new wording of `section` (kind "change"), its removal ("remove") or a new section
    after it ("add", with a heading if wanted). Only against the latest version, while the drafting
    stage runs. The same proposal by the same author while it is open is the one already there."""
    now = now or timezone.now()
    document = section.version.document
    project = document.project
    _may_take_part(author, project, Feature.AMEND, now)
    if kind not in AmendmentKind.values:
        raise DomainError(fields={"kind": [_("Choose what the amendment does.")]})
    if kind == AmendmentKind.REMOVE:
        body, heading = "", ""
    else:
        body = check_text(body, "body")
        heading = (
            check_text(heading, "heading", limit=HEADING_MAX_LENGTH, one_line=True, required=False)
            if kind == AmendmentKind.ADD
            else ""
        )
    rationale = check_text(rationale, "rationale", required=False)
    if kind == AmendmentKind.CHANGE and body == section.body:
        raise DomainError(fields={"body": [_("The new wording is the same as the current one.")]})
    with transaction.atomic():
        document = _locked(document)
        if document.published_at is None:
            raise NotFound()
        latest = latest_version(document)
        if section.version_id != latest.pk:
            raise Conflict(
                _("This section has a newer version: propose an amendment to the current text."),
                code="outdated",
            )
        repeated = Amendment.objects.filter(
            document=document,
            section=section,
            author=author,
            kind=kind,
            heading=heading,
            body=body,
            status=AmendmentStatus.PROPOSED,
        ).first()
        if repeated is not None:
            return repeated
        amendment = Amendment.objects.create(
            municipality=document.municipality,
            document=document,
            section=section,
            section_key=section.key,
            base_version=latest,
            kind=kind,
            author=author,
            heading=heading,
            body=body,
            rationale=rationale,
            tier=tier_of(author, document.municipality),
            created_at=now,
        )
    return amendment


def _locked_amendment(amendment: Amendment) -> Amendment:
    return (
        Amendment.objects.select_for_update(of=("self",))
        .select_related(
            "municipality", "document", "document__project", "document__municipality", "section", "author"
        )
        .get(pk=amendment.pk)
    )


def amendment_support(*, user: User, amendment: Amendment, now: datetime | None = None) -> AmendmentSupport:
    """Support an open amendment of another person, once: a second support (even at the same moment)
    is refused with 409 and counts nothing."""
    now = now or timezone.now()
    # Supporting an amendment is part of amending the text (AMEND), not an idea's support (SUPPORT).
    _may_take_part(user, amendment.document.project, Feature.AMEND, now)
    if amendment.author_id == user.pk:
        raise Conflict(_("Proposing an amendment is supporting it already."), code="own_amendment")
    with transaction.atomic():
        # Supporters queue on the amendment's row: a decision cannot slip between the check and the support.
        amendment = _locked_amendment(amendment)
        if amendment.status != AmendmentStatus.PROPOSED or amendment.is_hidden:
            raise Conflict(_("This amendment is no longer open to support."), code="not_open")
        if AmendmentSupport.objects.filter(amendment=amendment, user=user).exists():
            raise Conflict(_("You already support this amendment."), code="already_supported")
        try:
            with transaction.atomic():
                support = AmendmentSupport.objects.create(
                    amendment=amendment, user=user, tier=tier_of(user, amendment.municipality), created_at=now
                )
        except IntegrityError:
            raise Conflict(_("You already support this amendment."), code="already_supported") from None
        Amendment.objects.filter(pk=amendment.pk).update(supporters_count=F("supporters_count") + 1)
    return support


def amendment_withdraw(*, actor: User, amendment: Amendment) -> Amendment:
    """The author takes back an amendment not decided yet."""
    if amendment.author_id != actor.pk:
        raise Forbidden(_("Only the author can withdraw an amendment."))
    with transaction.atomic():
        amendment = _locked_amendment(amendment)
        if amendment.status == AmendmentStatus.WITHDRAWN:
            return amendment
        if amendment.status != AmendmentStatus.PROPOSED:
            raise Conflict(_("A decided amendment cannot be withdrawn."), code="decided")
        amendment.status = AmendmentStatus.WITHDRAWN
        amendment.save(update_fields=["status"])
    return amendment


def section_in(version: Version, key: int) -> Section | None:
    return Section.objects.filter(version=version, key=key).first()


def is_outdated(amendment: Amendment, latest: Version) -> bool:
    """Whether a later version changed or removed the section since the amendment was proposed."""
    if amendment.base_version_id == latest.pk:
        return False
    current = section_in(latest, amendment.section_key)
    base = amendment.section
    return current is None or (current.heading, current.body) != (base.heading, base.body)


def amendment_decide(
    *, actor: User, amendment: Amendment, accept: bool, reason: str, now: datetime | None = None
) -> Amendment:
    """Accept or reject an open amendment, with a public reason; its author and supporters are told."""
    require_run(actor, amendment.document.project)
    reason = check_text(reason, "reason")
    with transaction.atomic():
        # The document first, as version_publish locks it: an accept then waits for a version being
        # published and checks its wording against that version, never against the one before.
        # (Rows are locked in a fixed order, document then amendment, everywhere.)
        _locked(amendment.document)
        amendment = _locked_amendment(amendment)
        if amendment.status != AmendmentStatus.PROPOSED:
            raise Conflict(_("This amendment is already decided or withdrawn."), code="decided")
        if accept and amendment.is_hidden:
            raise Conflict(_("A moderator hid this amendment; it cannot be accepted."), code="hidden")
        if accept and is_outdated(amendment, latest_version(amendment.document)):
            raise Conflict(
                _("The section changed since this amendment was proposed: it can only be rejected."),
                code="outdated",
            )
        amendment.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.REJECTED
        amendment.decided_by, amendment.decided_at = actor, now or timezone.now()
        amendment.decision_reason = reason
        amendment.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit_record(
            actor=actor,
            action="amendment.accept" if accept else "amendment.reject",
            municipality=amendment.municipality,
            target=amendment,
            details={"document": amendment.document_id, "section": amendment.section_key, "reason": reason},
        )
        if accept:
            points_award(
                user=amendment.author,
                municipality=amendment.municipality,
                action=Recognised.AMENDMENT_ACCEPTED,
                subject=amendment,
                now=amendment.decided_at,
            )
        supporters = AmendmentSupport.objects.filter(amendment=amendment).values("user_id")
        people = [amendment.author, *User.objects.filter(pk__in=supporters)]
        title = (
            message(gettext_noop("Your amendment to “{}” was accepted"), amendment.document.title)
            if accept
            else message(gettext_noop("Your amendment to “{}” was rejected"), amendment.document.title)
        )
        notify(
            recipients=people,
            kind="amendment.decided",
            title=title,
            body=reason,
            url=amendment.get_absolute_url(),
        )
    return amendment


def _conflicting(accepted: list[Amendment]) -> list[list[Amendment]]:
    """Accepted amendments that change or remove the same section, grouped."""
    by_key: dict[int, list[Amendment]] = defaultdict(list)
    for amendment in accepted:
        if amendment.kind in (AmendmentKind.CHANGE, AmendmentKind.REMOVE):
            by_key[amendment.section_key].append(amendment)
    return [group for group in by_key.values() if len(group) > 1]


def version_publish(
    *, actor: User, document: Document, note: str = "", now: datetime | None = None
) -> Version:
    """Version N+1: the latest version with every accepted amendment not applied yet applied to it."""
    require_run(actor, document.project)
    note = check_text(note, "note", limit=NOTE_MAX_LENGTH, required=False)
    now = now or timezone.now()
    with transaction.atomic():
        document = _locked(document)
        if document.published_at is None:
            raise Conflict(_("Publish the document first."), code="not_published")
        latest = latest_version(document)
        accepted = list(
            Amendment.objects.filter(
                document=document,
                status=AmendmentStatus.ACCEPTED,
                applied_in__isnull=True,
                hidden_at__isnull=True,
            )
            .select_related("section")
            .order_by("created_at", "id")
        )
        if not accepted:
            raise Conflict(_("No accepted amendment waits to be applied."), code="nothing_to_apply")
        # amendment_decide checks this under the document's lock too; checked again here so that an
        # accept that raced a version (or came before that lock was taken) is never applied over
        # wording it did not see.
        outdated = [a for a in accepted if is_outdated(a, latest)]
        if outdated:
            raise Conflict(
                _(
                    "These accepted amendments were written for wording that a later version has "
                    "changed, so they cannot be applied: %(ids)s."
                )
                % {"ids": ", ".join(f"#{a.pk}" for a in outdated)},
                code="outdated_amendments",
            )
        for group in _conflicting(accepted):
            raise Conflict(
                _("Amendments %(ids)s all change section %(key)s: reject all but one before publishing.")
                % {
                    "ids": ", ".join(f"#{a.pk}" for a in group),
                    "key": _number_of(latest, group[0].section_key),
                },
                code="conflicting_amendments",
            )
        changes = {a.section_key: a for a in accepted if a.kind != AmendmentKind.ADD}
        additions: dict[int, list[Amendment]] = defaultdict(list)
        for amendment in accepted:
            if amendment.kind == AmendmentKind.ADD:
                additions[amendment.section_key].append(amendment)
        old = list(Section.objects.filter(version=latest).order_by("position"))
        used = {section.number for section in old}
        rows: list[tuple[int, str, str, str]] = []
        for section in old:
            change = changes.get(section.key)
            if change is None:
                rows.append((section.key, section.number, section.heading, section.body))
            elif change.kind == AmendmentKind.CHANGE:
                rows.append((section.key, section.number, section.heading, change.body))
            for added in additions.get(section.key, []):
                document.last_key += 1
                number = free_number(section.number, used)[:NUMBER_MAX_LENGTH]
                used.add(number)
                rows.append((document.last_key, number, added.heading, added.body))
        if not rows:
            raise Conflict(_("The amendments would remove every section."), code="empty")
        version = Version.objects.create(
            document=document, number=latest.number + 1, created_at=now, created_by=actor, note=note
        )
        Section.objects.bulk_create(
            [
                Section(version=version, position=place, key=key, number=number, heading=heading, body=body)
                for place, (key, number, heading, body) in enumerate(rows, start=1)
            ]
        )
        document.save(update_fields=["last_key"])
        Amendment.objects.filter(pk__in=[a.pk for a in accepted]).update(applied_in=version)
        audit_record(
            actor=actor,
            action="document.version",
            municipality=document.municipality,
            target=document,
            details={"version": version.number, "amendments": [a.pk for a in accepted]},
        )
    notify_followers(
        target=document.project,
        kind="document.version",
        title=message(gettext_noop("Version {} of “{}” is published"), str(version.number), document.title),
        body=note,
        url=document.get_absolute_url(),
        exclude=actor,
    )
    return version


def _number_of(version: Version, key: int) -> str:
    section = section_in(version, key)
    return section.number if section is not None else str(key)
