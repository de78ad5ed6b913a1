"""The selection: the organiser decides on every idea, taken up or not, each with a public reason,
and publishes the decisions together.

When decisions may be made (`selection_window`): from the start of the project's selection stage;
a project without one, from the end of its voting stage (or of its ideas stage when it has no vote
either). A decision may be corrected while the selection stage runs, and not after it (nor once the
selection is published); an idea still undecided when the stage has ended may be decided late, so
that a selection can always be completed. Merged and hidden ideas are not decided.

Until the selection is published, the decisions are the organisers' (`Decision` rows and the
ideas' `answer`); publishing moves each idea to SELECTED or NOT_SELECTED, which is public, and tells
the project's followers, and each idea's author and supporters, once.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError
from veche.core.sanitize import markdown_text
from veche.core.text import check_text, visible_length
from veche.crowdprojects.access import require_run
from veche.crowdprojects.models import (
    REASON_MIN_LENGTH,
    RESPONSIBLE_MAX_LENGTH,
    Decision,
    Idea,
    IdeaAuthor,
    IdeaStatus,
    IdeaSupport,
    Project,
    Selection,
    Stage,
    StageKind,
)
from veche.municipalities.models import Department
from veche.municipalities.zones import zone_of
from veche.notifications.messages import message
from veche.notifications.services import notify, notify_followers
from veche.recognition.models import Action as Recognised
from veche.recognition.services import points_award


@dataclass(frozen=True)
class Window:
    """When decisions may be made: from `opens`; corrected until `closes` (None: until published)."""

    opens: datetime
    closes: datetime | None


def selection_window(project: Project, stages: list[Stage]) -> Window | None:
    """When the organiser decides on the ideas of `project` (its stages in order); None if never."""
    selection = [s for s in stages if s.kind == StageKind.SELECTION]
    if selection:
        return Window(opens=selection[0].starts_at, closes=selection[-1].ends_at)
    for kind in (StageKind.VOTING, StageKind.IDEAS):
        before = [s for s in stages if s.kind == kind]
        if before:
            return Window(opens=before[-1].ends_at, closes=None)
    return None


def decidable(idea: Idea) -> bool:
    """Whether the selection answers `idea`: every idea but those merged into another or hidden."""
    return idea.merged_into_id is None and idea.status != IdeaStatus.MERGED and not idea.is_hidden


def is_published(project: Project) -> bool:
    return Selection.objects.filter(project=project).exists()


def _locked_project(project: Project) -> Project:
    # Every write of a project's selection locks the project's row first: one order, no deadlock.
    return Project.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=project.pk)


def _opened(project: Project, now: datetime) -> Window:
    stages = list(Stage.objects.filter(project=project).order_by("position"))
    window = selection_window(project, stages)
    if window is None:
        raise Conflict(_("This project has no selection."), code="invalid_transition")
    if now < window.opens:
        when = timezone.localtime(window.opens, zone_of(project.municipality)).strftime("%d.%m.%Y %H:%M")
        raise Conflict(
            _("The selection has not begun: ideas are decided from %(when)s.") % {"when": when},
            code="too_early",
        )
    return window


def _check_reason(reason: str) -> str:
    reason = check_text(reason, "reason")
    if visible_length(reason) < REASON_MIN_LENGTH:
        raise DomainError(
            fields={"reason": [_("Say why in at least %(n)d characters.") % {"n": REASON_MIN_LENGTH}]}
        )
    return reason


def idea_decide(
    *,
    actor: User,
    idea: Idea,
    selected: bool,
    reason: str,
    department: Department | None = None,
    responsible: str = "",
    planned_by: date | None = None,
    now: datetime | None = None,
) -> Decision:
    """Decide whether `idea` is taken up, with a public `reason` (Markdown); a taken-up idea names who
    carries it out (`department` or `responsible` in words) and by when (`planned_by`). Audited, each
    correction too. NotFound for those who do not run the project."""
    project = idea.project
    require_run(actor, project)
    reason = _check_reason(reason)
    responsible = check_text(
        responsible, "responsible", limit=RESPONSIBLE_MAX_LENGTH, one_line=True, required=False
    )
    if department is not None and department.municipality_id != project.municipality_id:
        raise DomainError(fields={"department": [_("Choose a department of this municipality.")]})
    if selected:
        errors: dict[str, list[str]] = {}
        if department is None and not responsible:
            errors["responsible"] = [_("Say who will carry the idea out.")]
        if planned_by is None:
            errors["planned_by"] = [_("Say by when the idea will be carried out.")]
        if errors:
            raise DomainError(_("Fill in the required fields."), fields=errors)
    else:
        department, responsible, planned_by = None, "", None
    now = now or timezone.now()
    with transaction.atomic():
        project = _locked_project(project)
        window = _opened(project, now)
        if Selection.objects.filter(project=project).exists():
            raise Conflict(
                _("The selection is published: its decisions are final."), code="already_published"
            )
        idea = (
            Idea.objects.select_for_update(of=("self",))
            .select_related("municipality")
            .get(pk=idea.pk, project=project)
        )
        if not decidable(idea):
            raise Conflict(_("Merged and hidden ideas are not decided."), code="not_decidable")
        previous = Decision.objects.filter(idea=idea).first()
        if previous is not None and window.closes is not None and now >= window.closes:
            raise Conflict(
                _("The selection stage is over: its decisions can no longer be changed."), code="too_late"
            )
        decision, _created = Decision.objects.update_or_create(
            idea=idea,
            defaults={
                "selected": selected,
                "department": department,
                "responsible": responsible,
                "planned_by": planned_by,
            },
        )
        idea.answer, idea.answered_at, idea.answered_by = reason, now, actor
        idea.save(update_fields=["answer", "answered_at", "answered_by"])
        audit_record(
            actor=actor,
            action="crowdprojects.idea_correct" if previous is not None else "crowdprojects.idea_decide",
            municipality=project.municipality,
            target=idea,
            details={
                "selected": selected,
                "was_selected": previous.selected if previous is not None else None,
                "department": department.pk if department is not None else None,
                "responsible": responsible,
                "planned_by": planned_by.isoformat() if planned_by else None,
            },
        )
    decision.idea = idea
    return decision


def project_selection_publish(*, actor: User, project: Project, now: datetime | None = None) -> Selection:
    """Publish the decisions once every idea to decide has one (refused naming those without); each
    idea moves to SELECTED or NOT_SELECTED, and the project's followers, each idea's author and its
    supporters are told, once."""
    require_run(actor, project)
    now = now or timezone.now()
    with transaction.atomic():
        project = _locked_project(project)
        _opened(project, now)
        if Selection.objects.filter(project=project).exists():
            raise Conflict(_("The selection is already published."), code="already_published")
        ideas = [
            idea
            for idea in Idea.objects.filter(project=project)
            .select_related("municipality", "author", "decision")
            .order_by("pk")
            if decidable(idea)
        ]
        undecided = [idea.title for idea in ideas if not hasattr(idea, "decision")]
        if undecided:
            raise Conflict(
                _("Decide on every idea first. Not decided yet: %(titles)s.")
                % {"titles": "; ".join(f"“{title}”" for title in undecided)},
                code="undecided",
            )
        try:
            with transaction.atomic():
                selection = Selection.objects.create(project=project, published_at=now, published_by=actor)
        except IntegrityError:
            raise Conflict(_("The selection is already published."), code="already_published") from None
        for idea in ideas:
            idea.status = IdeaStatus.SELECTED if idea.decision.selected else IdeaStatus.NOT_SELECTED
        Idea.objects.bulk_update(ideas, ["status"])
        _recognise_authors([idea for idea in ideas if idea.decision.selected], now)
        audit_record(
            actor=actor,
            action="crowdprojects.selection_publish",
            municipality=project.municipality,
            target=project,
            details={"taken_up": sum(1 for i in ideas if i.decision.selected), "ideas": len(ideas)},
        )
        notify_followers(
            target=project,
            kind="crowdprojects.selection",
            title=message(gettext_noop("“{}”: the selection of ideas is published"), project.title),
            url=project.get_absolute_url(),
            exclude=actor,
        )
        _tell_each_idea(ideas, actor)
    return selection


def _recognise_authors(taken_up: list[Idea], now: datetime) -> None:
    """Each taken-up idea earns its author, and those credited with it by a merge, points
    (`recognition`): one read of the co-authors for all the ideas."""
    coauthors: dict[int, list[User]] = {}
    for row in IdeaAuthor.objects.filter(idea__in=taken_up).select_related("user"):
        coauthors.setdefault(row.idea_id, []).append(row.user)
    # In one order of people for every publication: the daily counters that two publications sharing
    # authors claim are locked in the same order, so neither waits on the other's.
    pairs = sorted(
        ((author, idea) for idea in taken_up for author in {idea.author, *coauthors.get(idea.pk, ())}),
        key=lambda pair: (pair[0].pk, pair[1].pk),
    )
    for author, idea in pairs:
        points_award(
            user=author,
            municipality=idea.municipality,
            action=Recognised.IDEA_SELECTED,
            subject=idea,
            now=now,
        )


def _tell_each_idea(ideas: list[Idea], actor: User) -> None:
    """Each idea's author and supporters hear its decision: one query for all the supporters."""
    supporters: dict[int, list[int]] = {}
    for idea_id, user_id in IdeaSupport.objects.filter(petition__in=ideas).values_list(
        "petition_id", "user_id"
    ):
        supporters.setdefault(idea_id, []).append(user_id)
    users = User.objects.in_bulk({uid for ids in supporters.values() for uid in ids})
    for idea in ideas:
        audience = [idea.author, *(users[uid] for uid in supporters.get(idea.pk, ()))]
        title = (
            gettext_noop("The idea “{}” is taken up")
            if idea.decision.selected
            else gettext_noop("The idea “{}” is not taken up")
        )
        notify(
            recipients=[user for user in audience if user.pk != actor.pk],
            kind="crowdprojects.decision",
            title=message(title, idea.title),
            body=markdown_text(idea.answer)[:500],
            url=idea.get_absolute_url(),
        )
