"""A crowd project of the last twelve months carried through the whole cycle, for each model-1 city.

The crowdprojects demo's full cycles (Kuzminki, the Iset embankment, Kazan's strategy) were tracked
from 14 to 20 months ago, so over the comparison page's default period (the last twelve months) no
city would practise model 1. Each model-1 city gets a smaller, recent one: ideas (three weeks),
discussion under the ideas (two weeks), residents' approval vote (ten days), selection with a public
reason for every idea, then implementation tracked with milestones, one done, and a resident's report.

Every step is a crowdprojects service call with `now=` in the past. Only the comments are dated
after the fact: the comments service writes the real time, so each comment made in the discussion
stage (its phase, author and side checked by the service) gets the stage's date, as it would have
had then.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from veche.accounts.models import User
from veche.comments.models import Comment
from veche.crowdprojects.models import Idea, Project, ProjectTier, Stage, StageKind, Verdict
from veche.crowdprojects.selectors import current_phase
from veche.crowdprojects.services.discussion import idea_comment
from veche.crowdprojects.services.ideas import idea_create
from veche.crowdprojects.services.implementation import (
    milestone_add,
    milestone_complete,
    milestone_update,
    monitoring_report_file,
)
from veche.crowdprojects.services.projects import project_create, project_publish, project_set_stages
from veche.crowdprojects.services.selection import idea_decide, project_selection_publish
from veche.crowdprojects.services.voting import ballot_cast
from veche.crowdprojects.stages import PlannedStage
from veche.municipalities.models import Municipality

# The project starts this long before today: its selection is published about 7 months ago and its
# first milestone follows a day later, well inside the last twelve months.
STARTS_DAYS_AGO = 270
STAGES = [
    (StageKind.IDEAS, 21),
    (StageKind.DISCUSSION, 14),
    (StageKind.VOTING, 10),
    (StageKind.SELECTION, 10),
    (StageKind.IMPLEMENTATION, 240),
]
TITLES = {
    "moscow": "Каким сделать сквер у Даниловского рынка?",
    "yekaterinburg": "Как обновить сквер у Театра драмы?",
    "kazan": "Каким станет парк «Крылья Советов»?",
}


@dataclass(frozen=True)
class IdeaText:
    title: str
    body: str
    selected: bool
    reason: str


IDEAS = [
    IdeaText(
        "Тень и скамейки",
        "Посадить деревья вдоль дорожек и поставить скамейки со спинками через каждые 50 метров.",
        True,
        "Больше всего голосов; посадки и скамейки войдут в первую очередь работ.",
    ),
    IdeaText(
        "Площадка для настольного тенниса",
        "Два всепогодных стола для настольного тенниса на свободном месте у входа.",
        True,
        "Поддержана жителями; место у входа согласовано, стоимость укладывается в смету.",
    ),
    IdeaText(
        "Платная парковка вместо газона",
        "Сделать на газоне у входа платную парковку для посетителей.",
        False,
        "Не принята: газон остаётся, парковка противоречит цели проекта и набрала мало голосов.",
    ),
    IdeaText(
        "Сцена для концертов",
        "Летняя сцена для концертов и праздников в центре сквера.",
        False,
        "Не принята сейчас: сцена шумит рядом с жилыми домами; предложим её для городского парка.",
    ),
]
COMMENTS = [
    ("Скамейки нужны обязательно, пожилым негде присесть по дороге к рынку.", "for"),
    ("Теннисные столы поставили в соседнем дворе, там всегда очередь: нужны и здесь.", "for"),
    ("Парковка съест последний газон в округе, я против.", "against"),
]
BALLOTS = [[0, 1], [0], [0, 1], [1, 3], [0, 2], [0, 1], [0, 3], [1]]


def recent_cycle(
    municipality: Municipality, organiser: User, residents: list[User], now: datetime
) -> Project:
    """The city's recent crowd project, through ideas, discussion, vote, selection and implementation."""
    starts_at = now - timedelta(days=STARTS_DAYS_AGO)
    drafted = starts_at - timedelta(days=7)
    project = project_create(
        actor=organiser,
        municipality=municipality,
        title=TITLES.get(municipality.slug, "Каким сделать городской сквер?"),
        description=(
            "Сквер ждёт обновления. Предложите идеи, обсудите их и проголосуйте: выбранные идеи войдут "
            "в план работ, за ходом которых можно следить здесь же."
        ),
        template="full",
        starts_at=starts_at,
        tier=ProjectTier.VERIFIED,
        now=drafted,
    )
    planned, start = [], starts_at
    for kind, days in STAGES:
        planned.append(PlannedStage(kind=kind, starts_at=start, ends_at=start + timedelta(days=days)))
        start += timedelta(days=days)
    project = project_set_stages(actor=organiser, project=project, stages=planned, now=drafted)
    project = project_publish(actor=organiser, project=project, now=starts_at - timedelta(days=5))
    stages = {stage.kind: stage for stage in Stage.objects.filter(project=project)}

    def at(kind: str, days: float, hours: float = 0) -> datetime:
        return stages[kind].starts_at + timedelta(days=days, hours=hours)

    ideas = [
        idea_create(
            author=residents[i % len(residents)],
            project=project,
            title=text.title,
            body=text.body,
            now=at(StageKind.IDEAS, 1 + 2 * i),
        )
        for i, text in enumerate(IDEAS)
    ]
    for i, (body, stance) in enumerate(COMMENTS):
        when = at(StageKind.DISCUSSION, 2 + 3 * i)
        comment = idea_comment(
            author=residents[(i + 1) % len(residents)],
            municipality=municipality,
            target=ideas[i],
            body=body,
            phase=current_phase(project, when),
            stance=stance,
        )
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
    for hour, (voter, positions) in enumerate(zip(residents, BALLOTS, strict=False), start=1):
        ballot_cast(
            user=voter,
            project=project,
            ideas=[ideas[p].pk for p in positions],
            now=at(StageKind.VOTING, 1, hours=hour),
        )
    planned_by = stages[StageKind.IMPLEMENTATION].ends_at.date()
    for i, (idea, text) in enumerate(zip(ideas, IDEAS, strict=True)):
        idea_decide(
            actor=organiser,
            idea=idea,
            selected=text.selected,
            reason=text.reason,
            responsible="Департамент благоустройства" if text.selected else "",
            planned_by=planned_by if text.selected else None,
            now=at(StageKind.SELECTION, 2, hours=i),
        )
    project_selection_publish(actor=organiser, project=project, now=at(StageKind.SELECTION, 8))
    _implementation(organiser, residents, ideas[0], at)
    return project


def _implementation(organiser: User, residents: list[User], idea: Idea, at: Callable[..., datetime]) -> None:
    """The first idea's milestones: one done, one under way; then a resident's report on it."""
    start = StageKind.IMPLEMENTATION
    planting = milestone_add(
        actor=organiser, idea=idea, title="Посадка деревьев", due_on=at(start, 60).date(), now=at(start, 1)
    )
    benches = milestone_add(
        actor=organiser,
        idea=idea,
        title="Установка скамеек",
        due_on=at(start, 200).date(),
        now=at(start, 1, 1),
    )
    milestone_update(
        actor=organiser,
        milestone=planting,
        text="Саженцы закуплены, посадка идёт.",
        progress=50,
        now=at(start, 30),
    )
    milestone_complete(actor=organiser, milestone=planting, now=at(start, 55))
    milestone_update(
        actor=organiser,
        milestone=benches,
        text="Скамейки заказаны у подрядчика.",
        progress=20,
        now=at(start, 90),
    )
    monitoring_report_file(
        actor=residents[2],
        idea=idea,
        verdict=Verdict.PARTLY,
        text="Деревья посадили, скамеек пока нет.",
        now=at(start, 100),
    )
