"""Every write to a crowd project itself: open one, edit it and its timeline, publish it."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, NotFound
from veche.core.moments import check_moment
from veche.core.text import check_text
from veche.crowdprojects.access import can_set_up_projects
from veche.crowdprojects.models import (
    STAGE_TITLE_MAX_LENGTH,
    STAGES_MAX,
    TITLE_MAX_LENGTH,
    Project,
    ProjectDistrict,
    ProjectTier,
    Stage,
    StageKind,
    VotingMethod,
)
from veche.crowdprojects.stages import KINDS, TEMPLATES, PlannedStage, plan_from_template
from veche.municipalities.models import Department, District, Municipality
from veche.municipalities.zones import zone_of
from veche.notifications.messages import message
from veche.notifications.services import notify_followers


def project_url(project: Project) -> str:
    return project.get_absolute_url()


def _locked(project: Project) -> Project:
    """The project's row, locked until the transaction ends (PostgreSQL; SQLite writes one at a time)."""
    return Project.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=project.pk)


def _check_settings(
    project: Project,
    *,
    title: str,
    description: str,
    department: Department | None,
    tier: int,
    districts: Sequence[District],
    voting_method: str,
    approval_limit: int,
) -> list[District]:
    project.title = check_text(title, "title", limit=TITLE_MAX_LENGTH, one_line=True)
    project.description = check_text(description, "description")
    if department is not None and department.municipality_id != project.municipality_id:
        raise DomainError(fields={"department": [_("Choose a department of this municipality.")]})
    project.department = department
    if tier not in ProjectTier.values:
        raise DomainError(fields={"tier": [_("Choose who may take part.")]})
    project.tier = tier
    chosen = {d.pk: d for d in districts}
    if any(d.municipality_id != project.municipality_id for d in chosen.values()):
        raise DomainError(fields={"districts": [_("Choose districts of this municipality.")]})
    if chosen and tier != ProjectTier.VERIFIED:
        raise DomainError(
            fields={"tier": [_("A project for some districts is open only to residents verified in them.")]}
        )
    if voting_method not in VotingMethod.values:
        raise DomainError(fields={"voting_method": [_("Choose how residents vote.")]})
    project.voting_method = voting_method
    if not isinstance(approval_limit, int) or not 1 <= approval_limit <= 50:
        raise DomainError(fields={"approval_limit": [_("Choose between 1 and 50 ideas.")]})
    project.approval_limit = approval_limit
    return list(chosen.values())


class StageRefused(DomainError):
    """A refusal of one stage of a timeline: on "stages" for the API, and `number` (from 1, in the
    order given) with `field` so that a form shows it on that stage's row."""

    def __init__(self, message: str, *, number: int, field: str) -> None:
        super().__init__(fields={"stages": [message]})
        self.number, self.field = number, field


class StageConflict(Conflict):
    """A change to a stage that has started (its past stays): `number` and `field` as `StageRefused`."""

    def __init__(self, message: str, *, number: int, field: str) -> None:
        super().__init__(message, code="stage_started")
        self.number, self.field = number, field


def _check_stages(planned: Sequence[PlannedStage]) -> list[PlannedStage]:
    """A timeline as it will be saved: 1 to STAGES_MAX stages of known kinds, each ending after it
    starts and starting no earlier than the one before ends; or a DomainError on "stages"."""
    if not 1 <= len(planned) <= STAGES_MAX:
        raise DomainError(fields={"stages": [_("A timeline has 1 to %(n)d stages.") % {"n": STAGES_MAX}]})
    checked = []
    previous_end: datetime | None = None
    for number, stage in enumerate(planned, start=1):
        if stage.kind not in StageKind.values:
            raise StageRefused(
                _("Stage %(n)d: choose its kind.") % {"n": number}, number=number, field="kind"
            )
        for name in ("starts_at", "ends_at"):
            try:
                check_moment(getattr(stage, name), field="stages")
            except DomainError as error:
                raise StageRefused(error.summary, number=number, field=name) from error
        if stage.ends_at <= stage.starts_at:
            raise StageRefused(
                _("Stage %(n)d must end after it starts.") % {"n": number}, number=number, field="ends_at"
            )
        if previous_end is not None and stage.starts_at < previous_end:
            raise StageRefused(
                _("Stage %(n)d must start when the one before ends or later.") % {"n": number},
                number=number,
                field="starts_at",
            )
        try:
            title = check_text(
                stage.title, "stages", limit=STAGE_TITLE_MAX_LENGTH, one_line=True, required=False
            )
        except DomainError as error:
            raise StageRefused(error.summary, number=number, field="title") from error
        try:
            description = check_text(stage.description, "stages", required=False)
        except DomainError as error:
            raise StageRefused(error.summary, number=number, field="description") from error
        checked.append(PlannedStage(stage.kind, stage.starts_at, stage.ends_at, title, description))
        previous_end = stage.ends_at
    return checked


def _write_stages(project: Project, planned: Sequence[PlannedStage]) -> None:
    """Make the project's stages `planned` (already checked) and keep its span in step.

    Stages are changed in place, position by position: a row kept keeps its id, so what hangs on a
    stage (its meetings) stays with it, and one that stays where it was (same kind and start) keeps
    its announcement, so that it is not announced again. Positions past the new end are removed."""
    existing = {stage.position: stage for stage in Stage.objects.filter(project=project)}
    Stage.objects.filter(project=project, position__gt=len(planned)).delete()
    changed, added = [], []
    for number, stage in enumerate(planned, start=1):
        row = existing.get(number)
        if row is None:
            added.append(Stage(project=project, position=number))
            row = added[-1]
        elif (row.kind, row.starts_at) != (stage.kind, stage.starts_at):
            row.announced_at = None
        row.kind, row.title, row.description = stage.kind, stage.title, stage.description
        row.starts_at, row.ends_at = stage.starts_at, stage.ends_at
        if row.pk is not None:
            changed.append(row)
    fields = ["kind", "title", "description", "starts_at", "ends_at", "announced_at"]
    Stage.objects.bulk_update(changed, fields)
    Stage.objects.bulk_create(added)
    project.starts_at, project.ends_at = planned[0].starts_at, planned[-1].ends_at
    project.save(update_fields=["starts_at", "ends_at"])


def _details(project: Project) -> dict[str, object]:
    return {
        "title": project.title,
        "department": project.department_id,
        "tier": project.tier,
        "districts": sorted(
            ProjectDistrict.objects.filter(project=project).values_list("district_id", flat=True)
        ),
        "voting_method": project.voting_method,
        "approval_limit": project.approval_limit,
        "stages": [
            [s.kind, s.starts_at.isoformat(), s.ends_at.isoformat()]
            for s in Stage.objects.filter(project=project)
        ],
    }


def project_create(
    *,
    actor: User,
    municipality: Municipality,
    title: str,
    description: str,
    template: str,
    starts_at: datetime,
    department: Department | None = None,
    tier: int = ProjectTier.REGISTERED,
    districts: Sequence[District] = (),
    voting_method: str = VotingMethod.APPROVAL,
    approval_limit: int = 3,
    now: datetime | None = None,
) -> Project:
    """A draft project whose timeline is `template`'s stages from `starts_at`; the organiser then
    edits the stages (`project_set_stages`) and publishes it (`project_publish`)."""
    if not can_set_up_projects(actor, municipality):
        raise NotFound()
    if template not in TEMPLATES:
        raise DomainError(fields={"template": [_("Choose a template for the timeline.")]})
    check_moment(starts_at, field="starts_at")
    project = Project(municipality=municipality, created_by=actor, created_at=now or timezone.now())
    with transaction.atomic():
        chosen = _check_settings(
            project,
            title=title,
            description=description,
            department=department,
            tier=tier,
            districts=districts,
            voting_method=voting_method,
            approval_limit=approval_limit,
        )
        project.save()
        ProjectDistrict.objects.bulk_create([ProjectDistrict(project=project, district=d) for d in chosen])
        _write_stages(project, _check_stages(plan_from_template(template, starts_at=starts_at)))
        audit_record(
            actor=actor,
            action="project.create",
            municipality=municipality,
            target=project,
            details=_details(project),
        )
    return project


def project_update(
    *,
    actor: User,
    project: Project,
    title: str,
    description: str,
    department: Department | None,
    tier: int,
    districts: Sequence[District],
    voting_method: str,
    approval_limit: int,
) -> Project:
    """Change a project's settings. Once published, who may take part and how they vote stay as
    they were announced."""
    if not can_set_up_projects(actor, project.municipality):
        raise NotFound()
    with transaction.atomic():
        project = _locked(project)
        if project.published_at is not None and (
            tier != project.tier
            or voting_method != project.voting_method
            or {d.pk for d in districts} != set(project.districts.values_list("pk", flat=True))
        ):
            raise Conflict(
                _("Who may take part and how they vote cannot change once the project is published."),
                code="published",
            )
        chosen = _check_settings(
            project,
            title=title,
            description=description,
            department=department,
            tier=tier,
            districts=districts,
            voting_method=voting_method,
            approval_limit=approval_limit,
        )
        project.save()
        ProjectDistrict.objects.filter(project=project).delete()
        ProjectDistrict.objects.bulk_create([ProjectDistrict(project=project, district=d) for d in chosen])
        audit_record(
            actor=actor,
            action="project.update",
            municipality=project.municipality,
            target=project,
            details=_details(project),
        )
    return project


def project_set_stages(
    *, actor: User, project: Project, stages: Sequence[PlannedStage], now: datetime | None = None
) -> Project:
    """Replace the project's timeline. After publication the past stays as it was: a stage that has
    started keeps its kind and start, and none may be removed or moved into the past."""
    if not can_set_up_projects(actor, project.municipality):
        raise NotFound()
    now = now or timezone.now()
    planned = _check_stages(stages)
    with transaction.atomic():
        project = _locked(project)
        if project.published_at is not None:
            _keep_the_past(list(Stage.objects.filter(project=project)), planned, now)
        _write_stages(project, planned)
        audit_record(
            actor=actor,
            action="project.stages",
            municipality=project.municipality,
            target=project,
            details=_details(project),
        )
    notify_followers(
        target=project,
        kind="project.timeline",
        title=message(gettext_noop("The timeline of “{}” changed"), project.title),
        body="",
        url=project_url(project),
        exclude=actor,
    )
    return project


def _keep_the_past(before: list[Stage], planned: Sequence[PlannedStage], now: datetime) -> None:
    started = [stage for stage in before if stage.starts_at <= now]
    if len(planned) < len(started):
        raise Conflict(_("A stage that has started cannot be removed."), code="stage_started")
    for number, (old, new) in enumerate(zip(started, planned, strict=False), start=1):
        if old.kind != new.kind or old.starts_at != new.starts_at:
            raise StageConflict(
                _("Stage %(n)d has started: its kind and start stay as they were.") % {"n": number},
                number=number,
                field="kind" if old.kind != new.kind else "starts_at",
            )
        if old.ends_at <= now and new.ends_at != old.ends_at:
            raise StageConflict(
                _("Stage %(n)d is over: its dates stay.") % {"n": number}, number=number, field="ends_at"
            )
        if old.ends_at > now and new.ends_at <= now:
            raise StageConflict(
                _("Stage %(n)d cannot end in the past.") % {"n": number}, number=number, field="ends_at"
            )
    for number, new in enumerate(planned[len(started) :], start=len(started) + 1):
        if new.starts_at < now:
            raise StageConflict(
                _("Stage %(n)d cannot start in the past.") % {"n": number}, number=number, field="starts_at"
            )


def project_publish(*, actor: User, project: Project, now: datetime | None = None) -> Project:
    """Make a draft public; from then on residents take part as its stages open."""
    if not can_set_up_projects(actor, project.municipality):
        raise NotFound()
    now = now or timezone.now()
    with transaction.atomic():
        project = _locked(project)
        if project.published_at is not None:
            return project
        project.published_at, project.published_by = now, actor
        project.save(update_fields=["published_at", "published_by"])
        audit_record(actor=actor, action="project.publish", municipality=project.municipality, target=project)
    return project


@dataclass(frozen=True)
class _Named:
    """A text written in both languages now, for a notice that is read later in either (a stage
    kind's name, what it invites to do): the notice keeps both, as it keeps staff's names."""

    name_ru: str
    name_en: str | None


def _in_both(text: str | Promise) -> _Named:
    with translation.override("ru"):
        ru = str(text)
    with translation.override("en"):
        en = str(text)
    return _Named(ru, en)


def projects_announce(*, now: datetime | None = None) -> dict[str, int]:
    """The hourly tick: tell the followers of each published project that a stage has begun, once.

    Each stage that has started and was not announced is claimed by a conditional UPDATE of its
    `announced_at`, so ticks running at once tell nobody twice. A stage that was over before any
    tick saw it (a project published late) is claimed without a notice: there is nothing to do in it.
    """
    now = now or timezone.now()
    told = {"announced": 0, "skipped": 0}
    due = (
        Stage.objects.filter(
            announced_at__isnull=True, starts_at__lte=now, project__published_at__isnull=False
        )
        .select_related("project", "project__municipality")
        .order_by("starts_at", "pk")
    )
    for stage in due:
        with transaction.atomic():
            if not Stage.objects.filter(pk=stage.pk, announced_at__isnull=True).update(announced_at=now):
                continue
            if stage.ends_at <= now:
                told["skipped"] += 1
                continue
            _announce_stage(stage)
            told["announced"] += 1
    return told


def _announce_stage(stage: Stage) -> None:
    project = stage.project
    name: str | _Named = stage.title or _in_both(StageKind(stage.kind).label)
    until = timezone.localtime(stage.ends_at, zone_of(project.municipality))
    notify_followers(
        target=project,
        kind="project.stage",
        title=message(gettext_noop("Stage “{}” of “{}” has begun"), name, project.title),
        body=message(gettext_noop("{} Until {}."), _in_both(KINDS[stage.kind].invitation), until),
        url=project_url(project),
    )
