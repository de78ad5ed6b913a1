"""The stages of a crowd project as data: what each kind allows, the templates a timeline starts
from, and where a project stands at a moment.

A stage runs from its start to its end; stages follow one another, so at most one runs at a time,
and between two of them nothing is open. What a stage allows residents is its kind's features
(`KINDS`), with the tier the project asks for; the access predicate `allows` checks them, as it
does for every other process. Staff work (merging ideas, selecting, publishing milestones) is not a
feature of a stage: it is a permission of the roles table ("run_projects").

Opinion mapping (the deliberation stage) is its own app (`veche.deliberation`, issue 13): its kind is
here, with DELIBERATE (answering and adding statements) among its features.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.crowdprojects.models import Project, Stage, StageKind
from veche.municipalities.zones import time_left


@dataclass(frozen=True)
class Kind:
    """What one kind of stage opens to residents, and in words what they can do in it."""

    features: frozenset[Feature]
    # What a resident can do now, for the project page ("Propose an idea or support others'").
    invitation: str | Promise
    # Why what it does not open is closed.
    closed_reason: str | Promise | None = None
    # The default length of the stage in a new timeline, in days.
    days: int = 14


_FLAG = Feature.FLAG

KINDS: dict[str, Kind] = {
    StageKind.IDEAS: Kind(
        frozenset({Feature.SUBMIT, Feature.SUPPORT, Feature.COMMENT, _FLAG}),
        _("Propose an idea, support others' ideas and discuss them."),
        days=21,
    ),
    StageKind.DISCUSSION: Kind(
        frozenset({Feature.SUPPORT, Feature.COMMENT, _FLAG}),
        _("Discuss the ideas: give arguments for and against."),
    ),
    StageKind.ASSESSMENT: Kind(
        frozenset({Feature.RATE, Feature.COMMENT, _FLAG}),
        _("Rate the ideas from 1 to 5; experts score them on the project's criteria."),
    ),
    StageKind.DELIBERATION: Kind(
        frozenset({Feature.DELIBERATE, Feature.COMMENT, _FLAG}),
        _("Find where residents agree: answer short statements one at a time."),
    ),
    StageKind.VOTING: Kind(
        frozenset({Feature.VOTE, _FLAG}),
        _("Vote for the ideas you want the city to carry out."),
        days=14,
    ),
    StageKind.SELECTION: Kind(
        frozenset({_FLAG}),
        _("The organiser decides which ideas are taken up and says why for each."),
        closed_reason=_("The organiser is selecting the ideas now."),
        days=14,
    ),
    StageKind.IMPLEMENTATION: Kind(
        frozenset({Feature.MONITOR, Feature.COMMENT, _FLAG}),
        _("Follow the work on the selected ideas and report what you see on the ground."),
        days=180,
    ),
    StageKind.COFINANCING: Kind(
        frozenset({Feature.PLEDGE, Feature.COMMENT, _FLAG}),
        _("Pledge money towards the selected ideas that ask for it."),
        days=30,
    ),
    # Amending covers proposing a wording and supporting another's: SUPPORT is an idea's, and would let
    # proposed ideas gather supports while a text is drafted.
    StageKind.DRAFTING: Kind(
        frozenset({Feature.AMEND, Feature.COMMENT, _FLAG}),
        _("Comment on the text section by section, propose new wordings and support others'."),
        days=21,
    ),
    StageKind.MEETINGS: Kind(
        frozenset({Feature.REGISTER, Feature.COMMENT, _FLAG}),
        _("Come to the meetings: register for a place."),
        days=14,
    ),
    StageKind.ANNOUNCEMENT: Kind(
        frozenset({_FLAG}),
        _("Read what the organiser announces."),
        closed_reason=_("This stage only announces; there is nothing to do in it."),
        days=7,
    ),
}

# Between stages, before the first and after the last: nothing is open but flagging.
BETWEEN = Phase(
    name="between",
    features=frozenset({_FLAG}),
    closed_reason=_("No stage of this project is running now."),
)


@dataclass(frozen=True)
class Template:
    """A timeline to start from: its stage kinds in order (each with its kind's default length)."""

    name: str | Promise
    kinds: tuple[str, ...]
    description: str | Promise = ""


TEMPLATES: dict[str, Template] = {
    "full": Template(
        _("Full cycle"),
        (
            StageKind.IDEAS,
            StageKind.DISCUSSION,
            StageKind.ASSESSMENT,
            StageKind.VOTING,
            StageKind.SELECTION,
            StageKind.IMPLEMENTATION,
        ),
        _("Ideas, discussion, assessment, voting, selection, implementation."),
    ),
    "deliberation": Template(
        _("Ideas and opinion mapping"),
        (
            StageKind.IDEAS,
            StageKind.DELIBERATION,
            StageKind.VOTING,
            StageKind.SELECTION,
            StageKind.IMPLEMENTATION,
        ),
        _("Ideas, then residents map where they agree before they vote."),
    ),
    "cofinanced": Template(
        _("Full cycle with co-financing"),
        (
            StageKind.IDEAS,
            StageKind.DISCUSSION,
            StageKind.VOTING,
            StageKind.SELECTION,
            StageKind.COFINANCING,
            StageKind.IMPLEMENTATION,
        ),
        _("Residents and organisations pledge money towards the selected ideas."),
    ),
    "drafting": Template(
        _("Drafting a document together"),
        (StageKind.ANNOUNCEMENT, StageKind.MEETINGS, StageKind.DRAFTING, StageKind.IMPLEMENTATION),
        _("The organiser publishes a text; residents comment and propose amendments section by section."),
    ),
}


@dataclass(frozen=True)
class PlannedStage:
    """A stage of a timeline before it is saved: from a template, a form or the API."""

    kind: str
    starts_at: datetime
    ends_at: datetime
    title: str = ""
    description: str = ""


def plan_from_template(key: str, *, starts_at: datetime) -> list[PlannedStage]:
    """The stages of template `key`, one after another from `starts_at`, each its kind's default length."""
    planned = []
    start = starts_at
    for kind in TEMPLATES[key].kinds:
        end = start + timedelta(days=KINDS[kind].days)
        planned.append(PlannedStage(kind=kind, starts_at=start, ends_at=end))
        start = end
    return planned


def phase_of(project: Project, stage: Stage | None) -> Phase:
    """The access predicate's view of `stage` (the one running, or None between stages), with the
    tier the project asks for."""
    if stage is None or project.published_at is None:
        return BETWEEN
    kind = KINDS[stage.kind]
    return Phase(
        name=stage.kind,
        features=kind.features,
        tier=Tier(project.tier),
        closed_reason=kind.closed_reason,
    )


def stage_at(stages: list[Stage], now: datetime) -> Stage | None:
    """The stage running at `now`, if any (`stages` in order, as `project.stages.all()` gives them)."""
    return next((stage for stage in stages if stage.runs_at(now)), None)


def last_stage_of(stages: list[Stage], kind: str, now: datetime) -> Stage | None:
    """The latest stage of `kind` that has started by `now` (a project may have two of a kind)."""
    started = [stage for stage in stages if stage.kind == kind and stage.starts_at <= now]
    return started[-1] if started else None


@dataclass(frozen=True)
class Step:
    """One stage on the project page: when, whether it runs now, has passed, and the time left."""

    stage: Stage
    current: bool
    past: bool
    left: str
    invitation: str | Promise = ""
    features: frozenset[Feature] = field(default_factory=frozenset)


def timeline(project: Project, stages: list[Stage], *, now: datetime | None = None) -> list[Step]:
    """The project's stages for its page, with today's marked and how long is left in it."""
    now = now or timezone.now()
    steps = []
    for stage in stages:
        current = stage.runs_at(now)
        left = time_left(stage.ends_at, municipality=project.municipality, now=now) if current else ""
        kind = KINDS[stage.kind]
        steps.append(
            Step(
                stage=stage,
                current=current,
                past=stage.ends_at <= now,
                left=left,
                invitation=kind.invitation,
                features=kind.features,
            )
        )
    return steps
