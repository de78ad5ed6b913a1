"""The implementation of taken-up ideas: the organiser's milestones and their updates, residents'
monitoring reports and their rating of the result.

Milestones are kept only for ideas taken up by a published selection, by those who run the project;
each new milestone and each one completed is told to the project's followers. Residents report and
rate while the implementation stage runs (`Feature.MONITOR`), with the project's tier and districts.
"""

from collections.abc import Sequence
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.access.predicates import Feature, admits_district, allows
from veche.access.roles import tier_of, verified_district
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden
from veche.core.images import reencode_image
from veche.core.text import check_text
from veche.crowdprojects.access import require_run
from veche.crowdprojects.models import (
    MONITORING_MAX_LENGTH,
    PHOTOS_MAX,
    TITLE_MAX_LENGTH,
    Idea,
    IdeaStatus,
    Milestone,
    MilestonePhoto,
    MilestoneUpdate,
    MonitoringPhoto,
    MonitoringReport,
    ProjectDistrict,
    ResultRating,
    Verdict,
)
from veche.crowdprojects.selectors import current_phase
from veche.municipalities.zones import local_day
from veche.notifications.messages import message
from veche.notifications.services import notify_followers
from veche.recognition.models import Action as Recognised
from veche.recognition.services import points_award

STARS = range(1, 6)


def _check_photos(photos: Sequence[UploadedFile]) -> "list[ContentFile[bytes]]":
    """Re-encode every photo before anything is written, so a broken file leaves nothing behind."""
    if len(photos) > PHOTOS_MAX:
        raise DomainError(fields={"photos": [_("At most %(n)d photos.") % {"n": PHOTOS_MAX}]})
    return [reencode_image(upload) for upload in photos]


def _taken_up(idea: Idea) -> Idea:
    """The idea's row locked, if a published selection took it up; a Conflict otherwise."""
    idea = (
        Idea.objects.select_for_update(of=("self",)).select_related("municipality", "project").get(pk=idea.pk)
    )
    if idea.status != IdeaStatus.SELECTED or idea.is_hidden:
        raise Conflict(
            _("Milestones and reports are kept only for ideas the published selection took up."),
            code="not_taken_up",
        )
    return idea


def _own_milestone(milestone: Milestone) -> tuple[Idea, Milestone]:
    idea = _taken_up(milestone.idea)
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    locked.idea = idea
    return idea, locked


def milestone_add(
    *,
    actor: User,
    idea: Idea,
    title: str,
    due_on: date,
    description: str = "",
    now: datetime | None = None,
) -> Milestone:
    """Plan a step of carrying out a taken-up idea; the project's followers hear of it."""
    require_run(actor, idea.project)
    title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    description = check_text(description, "description", required=False)
    now = now or timezone.now()
    with transaction.atomic():
        idea = _taken_up(idea)
        last = Milestone.objects.filter(idea=idea).aggregate(last=Max("position"))["last"]
        milestone = Milestone.objects.create(
            idea=idea,
            position=(last or 0) + 1,
            title=title,
            description=description,
            due_on=due_on,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        audit_record(
            actor=actor,
            action="crowdprojects.milestone_add",
            municipality=idea.municipality,
            target=idea,
            details={"milestone": milestone.pk, "title": title, "due_on": due_on.isoformat()},
        )
        notify_followers(
            target=idea.project,
            kind="crowdprojects.milestone",
            title=message(gettext_noop("“{}”: a new milestone"), idea.title),
            body=title,
            url=implementation_url(idea),
            exclude=actor,
        )
    return milestone


def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    text: str,
    progress: int,
    photos: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> MilestoneUpdate:
    """Report the work on a milestone: what was done, the progress now (0 to 100) and photos."""
    require_run(actor, milestone.idea.project)
    text = check_text(text, "text")
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        raise DomainError(fields={"progress": [_("Give the progress from 0 to 100.")]})
    encoded = _check_photos(photos)
    now = now or timezone.now()
    with transaction.atomic():
        idea, milestone = _own_milestone(milestone)
        if milestone.done_at is not None:
            raise Conflict(_("This milestone is already done."), code="already_done")
        update = MilestoneUpdate.objects.create(
            milestone=milestone, text=text, progress=progress, created_by=actor, created_at=now
        )
        for content in encoded:
            MilestonePhoto.objects.create(update=update, image=content)
        milestone.progress, milestone.updated_at = progress, now
        milestone.updated_on = local_day(idea.municipality, now)
        milestone.save(update_fields=["progress", "updated_at", "updated_on"])
        audit_record(
            actor=actor,
            action="crowdprojects.milestone_update",
            municipality=idea.municipality,
            target=idea,
            details={"milestone": milestone.pk, "progress": progress, "photos": len(encoded)},
        )
    return update


def milestone_complete(*, actor: User, milestone: Milestone, now: datetime | None = None) -> Milestone:
    """Mark a milestone done (its progress 100); the project's followers hear of it."""
    require_run(actor, milestone.idea.project)
    now = now or timezone.now()
    with transaction.atomic():
        idea, milestone = _own_milestone(milestone)
        if milestone.done_at is not None:
            raise Conflict(_("This milestone is already done."), code="already_done")
        milestone.done_at, milestone.progress, milestone.updated_at = now, 100, now
        milestone.updated_on = local_day(idea.municipality, now)
        milestone.save(update_fields=["done_at", "progress", "updated_at", "updated_on"])
        audit_record(
            actor=actor,
            action="crowdprojects.milestone_complete",
            municipality=idea.municipality,
            target=idea,
            details={"milestone": milestone.pk},
        )
        notify_followers(
            target=idea.project,
            kind="crowdprojects.milestone_done",
            title=message(gettext_noop("“{}”: a milestone is done"), idea.title),
            body=milestone.title,
            url=implementation_url(idea),
            exclude=actor,
        )
    return milestone


def implementation_url(idea: Idea) -> str:
    return reverse("crowdprojects:implementation", args=[idea.municipality.slug, idea.project_id, idea.pk])


def may_monitor(user: User, idea: Idea, now: datetime) -> None:
    """Whether `user` may report on and rate `idea`'s work now: the implementation stage runs (its
    `Feature.MONITOR`), with the project's tier and districts. Raises Conflict or Forbidden."""
    project = idea.project
    decision = allows(user, project.municipality, Feature.MONITOR, current_phase(project, now))
    if not decision:
        raise Conflict(decision.reason, code="closed") if decision.closed else Forbidden(decision.reason)
    scope = set(ProjectDistrict.objects.filter(project=project).values_list("district_id", flat=True))
    if not admits_district(scope, verified_district(user=user, municipality=project.municipality)):
        raise Forbidden(_("Only residents verified in the project's districts take part."))


def monitoring_report_file(
    *,
    actor: User,
    idea: Idea,
    verdict: str,
    text: str,
    milestone: Milestone | None = None,
    photos: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> MonitoringReport:
    """A resident's report of what they see of a taken-up idea's work: a verdict, a text, up to
    `PHOTOS_MAX` photos (re-encoded), about the idea or one of its milestones."""
    if verdict not in Verdict.values:
        raise DomainError(fields={"verdict": [_("Choose done, partly done or not done.")]})
    text = check_text(text, "text", limit=MONITORING_MAX_LENGTH)
    if milestone is not None and milestone.idea_id != idea.pk:
        raise DomainError(fields={"milestone": [_("Choose a milestone of this idea.")]})
    now = now or timezone.now()
    may_monitor(actor, idea, now)
    encoded = _check_photos(photos)
    with transaction.atomic():
        idea = _taken_up(idea)
        report = MonitoringReport.objects.create(
            municipality=idea.municipality,
            idea=idea,
            milestone=milestone,
            author=actor,
            verdict=verdict,
            text=text,
            tier=tier_of(actor, idea.municipality),
            created_at=now,
        )
        for content in encoded:
            MonitoringPhoto.objects.create(report=report, image=content)
        points_award(
            user=actor,
            municipality=idea.municipality,
            action=Recognised.MONITORING_REPORT,
            subject=report,
            now=now,
        )
    return report


def result_rate(*, actor: User, idea: Idea, stars: int, now: datetime | None = None) -> ResultRating:
    """Rate the result of a taken-up idea 1 to 5: once per person, changeable while the stage runs."""
    if not isinstance(stars, int) or isinstance(stars, bool) or stars not in STARS:
        raise DomainError(fields={"stars": [_("Give 1 to 5 stars.")]})
    now = now or timezone.now()
    may_monitor(actor, idea, now)
    with transaction.atomic():
        idea = _taken_up(idea)
        tier = tier_of(actor, idea.municipality)
        updated = ResultRating.objects.filter(idea=idea, user=actor).update(
            stars=stars, tier=tier, updated_at=now
        )
        if not updated:
            try:
                with transaction.atomic():
                    ResultRating.objects.create(
                        idea=idea, user=actor, stars=stars, tier=tier, created_at=now, updated_at=now
                    )
            except IntegrityError:
                # Rated at the same moment elsewhere: the later rating wins, as a change would.
                ResultRating.objects.filter(idea=idea, user=actor).update(
                    stars=stars, tier=tier, updated_at=now
                )
    return ResultRating.objects.get(idea=idea, user=actor)
