"""CrowdWisdom's assessment: residents rate ideas 1 to 5 while the assessment stage runs; the
organisers set the criteria and invite experts, who score every idea on each criterion (1 to
SCORE_MAX) with the reason for the score, published with their names once the stage ends.

Decisions: an expert's score always comes with its reason (a bare number is not published); a
criterion may change or go while no expert has used it, or at any time before the assessment stage
starts; an expert may be removed (with their scores) until the assessment stage ends.
"""

from collections.abc import Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.access.predicates import Decision, Feature
from veche.access.roles import Person, tier_of, verified_district
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, Forbidden, NotFound
from veche.core.text import check_text
from veche.crowdprojects.access import require_run, take_part
from veche.crowdprojects.models import (
    CRITERION_NAME_MAX_LENGTH,
    EXPERT_NAME_MAX_LENGTH,
    SCORE_MAX,
    STARS_MAX,
    Criterion,
    ExpertScore,
    Idea,
    IdeaRating,
    IdeaStatus,
    Project,
    ProjectExpert,
    StageKind,
)
from veche.crowdprojects.selectors import current_phase, stages_of
from veche.crowdprojects.stages import stage_at
from veche.crowdprojects.wisdom_selectors import assessment_stage
from veche.notifications.messages import message
from veche.notifications.services import notify

CRITERIA_MAX = 20


def rate_decision(user: Person, idea: Idea, now: datetime | None = None) -> Decision:
    """Whether `user` may rate `idea` now: the stage (`Feature.RATE`), the tier and the districts."""
    return take_part(user, idea.project, Feature.RATE, current_phase(idea.project, now))


def _check_number(value: object, field: str, top: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
        raise DomainError(fields={field: [_("Choose from 1 to %(n)d.") % {"n": top}]})
    return value


def idea_rate(*, user: User, idea: Idea, stars: int, now: datetime | None = None) -> tuple[IdeaRating, bool]:
    """Rate `idea` 1 to 5, or change one's rating: (the rating, whether it is new). One row per person
    and idea whatever arrives at once: the idea's row is locked, then a unique constraint."""
    stars = _check_number(stars, "stars", STARS_MAX)
    now = now or timezone.now()
    decision = rate_decision(user, idea, now)
    if not decision:
        raise Forbidden(decision.reason)
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if locked.is_hidden or locked.status == IdeaStatus.MERGED:
            raise Conflict(_("This idea cannot be rated."), code="idea_closed")
        rating = IdeaRating.objects.filter(idea=locked, user=user).first()
        if rating is not None:
            rating.stars, rating.updated_at = stars, now
            rating.save(update_fields=["stars", "updated_at"])
            return rating, False
        municipality = idea.project.municipality
        rating = IdeaRating(
            idea=locked,
            user=user,
            stars=stars,
            tier=int(tier_of(user, municipality)),
            district=verified_district(user=user, municipality=municipality),
            created_at=now,
            updated_at=now,
        )
        try:
            with transaction.atomic():
                rating.save()
        except IntegrityError:  # another request of the same person came first
            IdeaRating.objects.filter(idea=locked, user=user).update(stars=stars, updated_at=now)
            return IdeaRating.objects.get(idea=locked, user=user), False
    return rating, True


# Criteria.


def _assessment_started(project: Project, now: datetime) -> bool:
    stage = assessment_stage(stages_of(project))
    return project.published_at is not None and stage is not None and stage.starts_at <= now


def _check_criterion(name: str, description: str, weight: int) -> tuple[str, str, int]:
    name = check_text(name, "name", limit=CRITERION_NAME_MAX_LENGTH, one_line=True)
    description = check_text(description, "description", required=False)
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 10:
        raise DomainError(fields={"weight": [_("Choose a weight from 1 to 10.")]})
    return name, description, weight


def _locked_project(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=project.pk)


def criterion_add(
    *, actor: User, project: Project, name: str, description: str = "", weight: int = 1
) -> Criterion:
    """A new criterion at the end of the project's list."""
    require_run(actor, project)
    name, description, weight = _check_criterion(name, description, weight)
    with transaction.atomic():
        project = _locked_project(project)
        existing = list(Criterion.objects.filter(project=project))
        if len(existing) >= CRITERIA_MAX:
            raise DomainError(
                fields={"name": [_("A project has at most %(n)d criteria.") % {"n": CRITERIA_MAX}]}
            )
        if any(c.name.casefold() == name.casefold() for c in existing):
            raise DomainError(fields={"name": [_("This project already has this criterion.")]})
        position = max((c.position for c in existing), default=0) + 1
        criterion = Criterion.objects.create(
            project=project, position=position, name=name, description=description, weight=weight
        )
        audit_record(
            actor=actor,
            action="criterion.add",
            municipality=project.municipality,
            target=project,
            details={"criterion": criterion.pk, "name": name, "weight": weight},
        )
    return criterion


def _changeable(criterion: Criterion, now: datetime) -> None:
    if (
        _assessment_started(criterion.project, now)
        and ExpertScore.objects.filter(criterion=criterion).exists()
    ):
        raise Conflict(_("Experts have scored on this criterion; it stays as it is."), code="criterion_used")


def criterion_edit(
    *,
    actor: User,
    criterion: Criterion,
    name: str,
    description: str,
    weight: int,
    now: datetime | None = None,
) -> Criterion:
    require_run(actor, criterion.project)
    name, description, weight = _check_criterion(name, description, weight)
    with transaction.atomic():
        project = _locked_project(criterion.project)
        _changeable(criterion, now or timezone.now())
        others = Criterion.objects.filter(project=project).exclude(pk=criterion.pk)
        if any(c.name.casefold() == name.casefold() for c in others):
            raise DomainError(fields={"name": [_("This project already has this criterion.")]})
        criterion.name, criterion.description, criterion.weight = name, description, weight
        criterion.save(update_fields=["name", "description", "weight"])
        audit_record(
            actor=actor,
            action="criterion.edit",
            municipality=project.municipality,
            target=project,
            details={"criterion": criterion.pk, "name": name, "weight": weight},
        )
    return criterion


def criterion_remove(*, actor: User, criterion: Criterion, now: datetime | None = None) -> None:
    require_run(actor, criterion.project)
    with transaction.atomic():
        project = _locked_project(criterion.project)
        _changeable(criterion, now or timezone.now())
        ExpertScore.objects.filter(criterion=criterion).delete()
        audit_record(
            actor=actor,
            action="criterion.remove",
            municipality=project.municipality,
            target=project,
            details={"criterion": criterion.pk, "name": criterion.name},
        )
        criterion.delete()


# Experts.


def expert_invite(
    *,
    actor: User,
    project: Project,
    user: User,
    public_name: str,
    affiliation: str = "",
    now: datetime | None = None,
) -> ProjectExpert:
    """Invite `user` to score the project's ideas, shown as `public_name` of `affiliation`; they are told."""
    require_run(actor, project)
    public_name = check_text(public_name, "public_name", limit=EXPERT_NAME_MAX_LENGTH, one_line=True)
    affiliation = check_text(
        affiliation, "affiliation", limit=EXPERT_NAME_MAX_LENGTH, one_line=True, required=False
    )
    if not user.is_active or user.deleted_at is not None:
        raise DomainError(fields={"user": [_("Choose an active account.")]})
    with transaction.atomic():
        project = _locked_project(project)
        if ProjectExpert.objects.filter(project=project, user=user).exists():
            raise Conflict(_("This person is already an expert of the project."), code="already_expert")
        expert = ProjectExpert.objects.create(
            project=project,
            user=user,
            invited_by=actor,
            invited_at=now or timezone.now(),
            public_name=public_name,
            affiliation=affiliation,
        )
        audit_record(
            actor=actor,
            action="expert.invite",
            municipality=project.municipality,
            target=project,
            details={"expert": expert.pk, "user": user.pk, "public_name": public_name},
        )
        notify(
            recipients=[user],
            kind="project.expert",
            title=message(gettext_noop("You are invited to assess the ideas of “{}”"), project.title),
            url=_score_url(project),
        )
    return expert


def _score_url(project: Project) -> str:
    from django.urls import reverse

    return reverse("crowdprojects:assessment_score", args=[project.municipality.slug, project.pk])


def expert_remove(*, actor: User, expert: ProjectExpert, now: datetime | None = None) -> None:
    """Remove an expert and their scores, until the assessment stage ends (then they are published)."""
    require_run(actor, expert.project)
    now = now or timezone.now()
    with transaction.atomic():
        project = _locked_project(expert.project)
        stage = assessment_stage(stages_of(project))
        if project.published_at is not None and stage is not None and stage.ends_at <= now:
            raise Conflict(_("The assessment is over; its experts stay published."), code="assessment_over")
        audit_record(
            actor=actor,
            action="expert.remove",
            municipality=project.municipality,
            target=project,
            details={"expert": expert.pk, "user": expert.user_id},
        )
        expert.delete()


def expert_score(
    *,
    actor: User,
    idea: Idea,
    scores: Mapping[int, tuple[int, str]],
    now: datetime | None = None,
) -> list[ExpertScore]:
    """An invited expert's scores of `idea`: {criterion id: (score 1..SCORE_MAX, why)}, each criterion
    of the idea's project, while the assessment stage runs; given again, they replace the earlier."""
    project = idea.project
    expert = (
        ProjectExpert.objects.filter(project=project, user=actor).first() if actor.is_authenticated else None
    )
    if expert is None:
        raise NotFound()
    now = now or timezone.now()
    stage = stage_at(stages_of(project), now)
    if project.published_at is None or stage is None or stage.kind != StageKind.ASSESSMENT:
        raise Forbidden(_("Experts score the ideas while the assessment stage runs."))
    if idea.is_hidden or idea.status == IdeaStatus.MERGED:
        raise Conflict(_("This idea cannot be scored."), code="idea_closed")
    criteria = {c.pk: c for c in Criterion.objects.filter(project=project)}
    if not scores:
        raise DomainError(fields={"scores": [_("Score the idea on at least one criterion.")]})
    checked: dict[int, tuple[int, str]] = {}
    for criterion_id, (score, why) in scores.items():
        if criterion_id not in criteria:
            raise DomainError(fields={"scores": [_("Score on this project's criteria.")]})
        field = f"score_{criterion_id}"
        checked[criterion_id] = (
            _check_number(score, field, SCORE_MAX),
            check_text(why, f"comment_{criterion_id}"),
        )
    written = []
    with transaction.atomic():
        ProjectExpert.objects.select_for_update().filter(pk=expert.pk).first()
        for criterion_id, (score, why) in checked.items():
            row, _created = ExpertScore.objects.update_or_create(
                expert=expert,
                idea=idea,
                criterion=criteria[criterion_id],
                defaults={"score": score, "comment": why, "updated_at": now},
                create_defaults={"score": score, "comment": why, "updated_at": now, "created_at": now},
            )
            written.append(row)
    return written
