"""Demo crowd projects (model 1), made through the services like any real project.

Over the demo's two years, three cities carried a project through the whole cycle (ideas,
discussion or assessment, residents' vote, selection with a public reason for every idea,
implementation tracked with milestones and residents' reports):

- Moscow: the rebuilding of Kuzminki park (the full template, with a meeting and its minutes);
- Yekaterinburg: the Iset embankment, whose boat station was co-financed by residents and a
  company (the campaign reached its target; the treasury confirmed some pledges);
- Kazan: a chapter of the city's development strategy, drafted together (amendments proposed,
  supported, accepted or rejected with reasons; versions 1 to 3).

At the demo's "today" Moscow runs three more: the Central district's transport plan in the ideas
stage, Krasnaya Presnya park in the voting stage (resident1 has not voted) and the strategy chapter
"City space and transport" in the deliberation stage, with meetings to come (registration open, one
nearly full). Novosibirsk announces a project that starts next week; the other cities have none.

Every past step is a service call with `now=` in the past, inside a timeline made in the past: the
services take a draft's timeline at any dates (only a published project keeps its past), so nothing
is written around them.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Idea, Project, ProjectTier, Stage, StageKind, Verdict
from veche.crowdprojects.services.ideas import idea_create, idea_merge, idea_support
from veche.crowdprojects.services.implementation import (
    milestone_add,
    milestone_complete,
    milestone_update,
    monitoring_report_file,
    result_rate,
)
from veche.crowdprojects.services.projects import project_create, project_publish, project_set_stages
from veche.crowdprojects.services.selection import idea_decide, project_selection_publish
from veche.crowdprojects.services.voting import ballot_cast
from veche.crowdprojects.stages import PlannedStage
from veche.drafting.models import Section
from veche.drafting.services import (
    amendment_decide,
    amendment_propose,
    amendment_support,
    document_create,
    document_publish,
    latest_version,
    version_publish,
)
from veche.funding.services import Organisation, campaign_open, campaigns_settle, pledge_confirm, pledge_make
from veche.meetings.models import Kind as MeetingKind
from veche.meetings.services import meeting_create, minutes_publish, registration_make
from veche.municipalities.demo import PASSWORD, verified_residents
from veche.municipalities.models import Department, Membership, Municipality

# The cities besides Moscow whose projects completed the cycle, and the one that announces a project.
REGIONAL = ("yekaterinburg", "kazan")
UPCOMING = "novosibirsk"
MOSCOW_RESIDENTS = [f"resident{i}" for i in range(1, 11)]


@dataclass(frozen=True)
class IdeaText:
    title: str
    body: str
    # None: not decided yet; else (taken up, the public reason).
    decision: tuple[bool, str] | None = None


@dataclass
class Run:
    """One project being made: its organiser, its people, its stages by kind."""

    project: Project
    organiser: User
    residents: list[User]
    stages: dict[str, Stage]

    def at(self, kind: str, days: float = 0, hours: float = 0) -> datetime:
        """A moment `days` and `hours` after the start of the project's stage of `kind`."""
        return self.stages[kind].starts_at + timedelta(days=days, hours=hours)


def _project(
    *,
    organiser: User,
    municipality: Municipality,
    title: str,
    description: str,
    stages: Sequence[tuple[str, int]],
    starts_at: datetime,
    residents: list[User],
    department: Department | None = None,
    tier: int = ProjectTier.VERIFIED,
    approval_limit: int = 3,
) -> Run:
    """A project whose timeline is `stages` (kind, days) from `starts_at`, drafted a week before it
    starts and published five days before."""
    drafted = min(starts_at - timedelta(days=7), timezone.now())
    project = project_create(
        actor=organiser,
        municipality=municipality,
        title=title,
        description=description,
        template="full",
        starts_at=starts_at,
        department=department,
        tier=tier,
        approval_limit=approval_limit,
        now=drafted,
    )
    planned, start = [], starts_at
    for kind, days in stages:
        planned.append(PlannedStage(kind=kind, starts_at=start, ends_at=start + timedelta(days=days)))
        start += timedelta(days=days)
    project = project_set_stages(actor=organiser, project=project, stages=planned, now=drafted)
    published = min(starts_at - timedelta(days=5), timezone.now())
    project = project_publish(actor=organiser, project=project, now=published)
    by_kind = {stage.kind: stage for stage in Stage.objects.filter(project=project).order_by("position")}
    return Run(project, organiser, residents, by_kind)


def _ideas(run: Run, texts: list[IdeaText], supports: list[list[int]]) -> list[Idea]:
    """Each idea proposed by the next resident a day apart in the ideas stage; `supports[i]` are the
    positions (in `run.residents`) of those who support idea i, an hour apart, not its author."""
    ideas = []
    for i, text in enumerate(texts):
        ideas.append(
            idea_create(
                author=run.residents[i % len(run.residents)],
                project=run.project,
                title=text.title,
                body=text.body,
                now=run.at(StageKind.IDEAS, days=1 + i),
            )
        )
    with _ideas_stage_runs_now(run):
        for i, (idea, positions) in enumerate(zip(ideas, supports, strict=False)):
            for hour, position in enumerate(positions, start=1):
                supporter = run.residents[position]
                if supporter.pk != idea.author_id:
                    idea_support(
                        user=supporter, idea=idea, now=run.at(StageKind.IDEAS, days=2 + i, hours=hour)
                    )
    return ideas


@contextmanager
def _ideas_stage_runs_now(run: Run) -> Iterator[None]:
    """While the supports are given, the ideas stage's dates are written directly so that it runs at
    the real time, then put back. `idea_support` (through `petitions.services.petition_endorse`) asks
    the idea's phase at the real time, not at its `now=`, so it refuses a support in a past stage;
    the support itself is still the service's (its `now` as the time given, on the idea's chain)."""
    stage = run.stages[StageKind.IDEAS]
    real = timezone.now()
    if stage.runs_at(real):
        yield
        return
    Stage.objects.filter(pk=stage.pk).update(
        starts_at=real - timedelta(hours=1), ends_at=real + timedelta(hours=1)
    )
    try:
        yield
    finally:
        Stage.objects.filter(pk=stage.pk).update(starts_at=stage.starts_at, ends_at=stage.ends_at)


def _merge(run: Run, source: Idea, target: Idea, reason: str) -> None:
    idea_merge(
        actor=run.organiser, source=source, target=target, reason=reason, now=run.at(StageKind.IDEAS, 20)
    )


def _votes(run: Run, ideas: list[Idea], ballots: list[tuple[User, list[int]]]) -> None:
    """Approval ballots (positions in `ideas`), cast an hour apart from the voting stage's second day."""
    for hour, (voter, positions) in enumerate(ballots, start=1):
        ballot_cast(
            user=voter,
            project=run.project,
            ideas=[ideas[p].pk for p in positions],
            now=run.at(StageKind.VOTING, days=1, hours=hour),
        )


def _select(run: Run, ideas: list[Idea], texts: list[IdeaText], responsible: str) -> list[Idea]:
    """Decide every idea with its reason and publish the selection; the ideas taken up, in order."""
    taken = []
    for i, (idea, text) in enumerate(zip(ideas, texts, strict=True)):
        if text.decision is None:
            continue
        selected, reason = text.decision
        idea_decide(
            actor=run.organiser,
            idea=idea,
            selected=selected,
            reason=reason,
            responsible=responsible if selected else "",
            planned_by=run.stages[StageKind.IMPLEMENTATION].ends_at.date() if selected else None,
            now=run.at(StageKind.SELECTION, days=2, hours=i),
        )
        if selected:
            taken.append(idea)
    project_selection_publish(
        actor=run.organiser, project=run.project, now=run.at(StageKind.SELECTION, days=10)
    )
    return taken


def _implementation(
    run: Run, idea: Idea, steps: list[tuple[str, int, int]], reports: list[tuple[str, str]]
) -> None:
    """Milestones of `idea`, each (title, days after the stage starts it is due, its fate): 100 is done
    on time, 0 < p < 100 is updated to p before its day and then left (overdue), 0 is planned only.
    Then residents' reports `(verdict, text)` and their ratings of the result."""
    start = StageKind.IMPLEMENTATION
    for i, (title, due, fate) in enumerate(steps):
        milestone = milestone_add(
            actor=run.organiser,
            idea=idea,
            title=title,
            due_on=run.at(start, days=due).date(),
            now=run.at(start, days=1, hours=i),
        )
        if fate == 100:
            milestone_update(
                actor=run.organiser,
                milestone=milestone,
                text="Подрядчик вышел на объект, работы идут по графику.",
                progress=50,
                now=run.at(start, days=due // 2),
            )
            milestone_complete(actor=run.organiser, milestone=milestone, now=run.at(start, days=due - 2))
        elif fate:
            milestone_update(
                actor=run.organiser,
                milestone=milestone,
                text="Работы приостановлены: подрядчик ждёт поставки материалов.",
                progress=fate,
                now=run.at(start, days=due - 20),
            )
    for i, (verdict, text) in enumerate(reports):
        author = run.residents[(i + 1) % len(run.residents)]
        monitoring_report_file(
            actor=author, idea=idea, verdict=verdict, text=text, now=run.at(start, days=100 + 10 * i)
        )
        result_rate(actor=author, idea=idea, stars=(4, 3, 5, 2)[i % 4], now=run.at(start, days=101 + 10 * i))


# Moscow: Kuzminki park, the whole cycle two years ago ---------------------------------------------------

KUZMINKI = [
    IdeaText(
        "Велодорожка вокруг прудов",
        "Сделать кольцевую велодорожку вокруг Верхнего и Нижнего Кузьминских прудов, отдельно от пешеходов.",
        (True, "Вошла в проект реконструкции: трасса согласована с Мосприродой, 4,2 км."),
    ),
    IdeaText(
        "Освещение главной аллеи",
        "Главная аллея от метро до усадьбы вечером тёмная: нужны фонари через каждые 25 метров.",
        (True, "Поддержана большинством голосов; фонари войдут в первую очередь работ."),
    ),
    IdeaText(
        "Детский городок у усадьбы",
        "Большая игровая площадка с безопасным покрытием рядом с усадьбой Голицыных.",
        (True, "Принята: площадка будет на месте бывшей автостоянки, вне охранной зоны усадьбы."),
    ),
    IdeaText(
        "Кафе на берегу пруда",
        "Летнее кафе с террасой на берегу Нижнего пруда, чтобы было где выпить кофе.",
        (False, "Не принята: берег — водоохранная зона, капитальные постройки там запрещены."),
    ),
    IdeaText(
        "Площадка для выгула собак",
        "Огороженная площадка для собак с покрытием и урнами в северной части парка.",
        (False, "Не принята сейчас: набрала мало голосов; передана в управу для соседнего сквера."),
    ),
    IdeaText(
        "Велодорожка по берегу прудов",
        "Предлагаю велосипедную дорожку вдоль берега прудов, чтобы можно было объехать их кругом.",
    ),
]


def _kuzminki(moscow: Municipality, residents: list[User], now: datetime) -> Project:
    admin = User.objects.get(username="moscow-admin")
    run = _project(
        organiser=admin,
        municipality=moscow,
        title="Как перестроить парк «Кузьминки»?",
        description=(
            "Парк «Кузьминки» ждёт реконструкции. Предложите, что в нём изменить, обсудите и оцените идеи "
            "других, а затем проголосуйте: выбранные идеи войдут в проект работ."
        ),
        stages=[
            (StageKind.IDEAS, 30),
            (StageKind.DISCUSSION, 14),
            (StageKind.ASSESSMENT, 14),
            (StageKind.VOTING, 14),
            (StageKind.SELECTION, 14),
            (StageKind.IMPLEMENTATION, 365),
        ],
        starts_at=now - timedelta(days=700),
        residents=residents,
        department=Department.objects.get(municipality=moscow, name_en="Department of Public Spaces"),
    )
    ideas = _ideas(run, KUZMINKI, [[2, 3, 4, 5], [0, 3, 5, 6, 7], [1, 4, 8], [6], [2], [3, 7, 8]])
    _merge(run, ideas[5], ideas[0], "Это та же идея, что и «Велодорожка вокруг прудов»: объединяем голоса.")
    live = ideas[:5]
    _votes(
        run,
        live,
        [
            (r, positions)
            for r, positions in zip(
                residents,
                [[0, 1], [1, 2], [0, 1, 2], [1, 3], [0, 2], [1, 4], [0, 1, 2], [2, 3]],
                strict=False,
            )
        ],
    )
    meeting = meeting_create(
        actor=admin,
        project=run.project,
        stage=run.stages[StageKind.DISCUSSION],
        title="Обсуждение идей в усадьбе Кузьминки",
        description="Архитекторы проекта отвечают на вопросы жителей.",
        kind=MeetingKind.IN_PERSON,
        address="Москва, Кузьминская улица, 10, конный двор усадьбы",
        latitude=55.6929,
        longitude=37.7894,
        online_url="",
        starts_at=run.at(StageKind.DISCUSSION, days=5, hours=15),
        ends_at=run.at(StageKind.DISCUSSION, days=5, hours=17),
        capacity=60,
        registration_opens=run.at(StageKind.DISCUSSION),
        now=run.at(StageKind.IDEAS, days=25),
    )
    for i, resident in enumerate(residents[:6]):
        registration_make(user=resident, meeting=meeting, now=run.at(StageKind.DISCUSSION, days=1, hours=i))
    minutes_publish(
        actor=admin,
        meeting=meeting,
        minutes=(
            "Пришли 47 человек. Обсудили трассу велодорожки и место детского городка; жители попросили "
            "не трогать старые липы на главной аллее."
        ),
        ideas=[ideas[0].pk, ideas[2].pk],
        now=run.at(StageKind.DISCUSSION, days=7),
    )
    taken = _select(run, ideas, KUZMINKI, "ГАУК «Кузьминки-Люблино»")
    _implementation(
        run,
        taken[0],
        [
            ("Проект трассы согласован", 60, 100),
            ("Асфальт и разметка", 200, 100),
            ("Велопрокат у входа", 300, 40),
        ],
        [
            (Verdict.PARTLY, "Дорожка вокруг Верхнего пруда готова, у Нижнего ещё идут работы."),
            (Verdict.DONE, "Проехал круг целиком, разметка свежая, всё как обещали."),
        ],
    )
    _implementation(
        run,
        taken[1],
        [("Фонари на главной аллее", 120, 100)],
        [(Verdict.DONE, "Фонари горят по всей аллее, вечером светло.")],
    )
    return run.project


# Yekaterinburg: the Iset embankment, with co-financing ---------------------------------------------------

ISET = [
    IdeaText(
        "Лодочная станция у Плотинки",
        "Вернуть прокат лодок и катамаранов у Плотинки, как было раньше: причал и лодочный домик.",
        (True, "Принята при условии софинансирования: жители и бизнес собирают 1,5 млн рублей."),
    ),
    IdeaText(
        "Амфитеатр на спуске к воде",
        "Сделать ступени-амфитеатр на спуске к Исети, чтобы сидеть у воды и смотреть концерты.",
        (True, "Принята: ступени войдут в проект набережной, подрядчик определён."),
    ),
    IdeaText(
        "Пешеходный мост к Дому печати",
        "Новый пешеходный мост через Исеть от набережной к Дому печати.",
        (False, "Не принята: мост стоит больше всего бюджета программы; передана в стратегию до 2035 года."),
    ),
    IdeaText(
        "Фонтан на набережной",
        "Светомузыкальный фонтан на воде у набережной рабочей молодёжи.",
        (False, "Не принята: набрала меньше всего голосов, а содержание фонтана дорого для города."),
    ),
    IdeaText(
        "Прокат лодок на Исети",
        "Хочется снова кататься на лодках по городскому пруду — нужен прокат с причалом.",
    ),
]


def _iset(city: Municipality, residents: list[User], now: datetime) -> Project:
    admin = User.objects.get(username=f"{city.slug}-admin")
    run = _project(
        organiser=admin,
        municipality=city,
        title="Какой должна стать набережная Исети?",
        description=(
            "Город обновляет набережную Исети от Плотинки до Макаровского моста. Предложите идеи, "
            "обсудите их и проголосуйте; одну из выбранных идей жители могут профинансировать "
            "вместе с городом."
        ),
        stages=[
            (StageKind.IDEAS, 30),
            (StageKind.DISCUSSION, 14),
            (StageKind.VOTING, 14),
            (StageKind.SELECTION, 14),
            (StageKind.COFINANCING, 45),
            (StageKind.IMPLEMENTATION, 300),
        ],
        starts_at=now - timedelta(days=600),
        residents=residents,
        department=Department.objects.get(municipality=city, name_en="Department of Public Spaces"),
    )
    ideas = _ideas(run, ISET, [[1, 2, 3, 4], [0, 2, 5], [3], [1], [5, 6]])
    _merge(run, ideas[4], ideas[0], "Дубликат идеи «Лодочная станция у Плотинки»: голоса объединены.")
    live = ideas[:4]
    _votes(
        run,
        live,
        [
            (r, [[0, 1], [0], [1, 2], [0, 1], [1, 3], [0, 2], [0, 1], [1]][i])
            for i, r in enumerate(residents[:8])
        ],
    )
    taken = _select(run, ideas, ISET, "МБУ «Екатеринбургский парк»")
    boats = taken[0]
    deadline = run.at(StageKind.COFINANCING, days=40)
    campaign = campaign_open(
        actor=admin,
        idea=boats,
        target_amount=1_500_000,
        deadline=deadline,
        now=run.at(StageKind.COFINANCING, hours=2),
    )
    pledges = [
        pledge_make(
            user=residents[5],
            campaign=campaign,
            amount=900_000,
            organisation=Organisation(name="ООО «Уральская верфь»", inn="6671000017"),
            now=run.at(StageKind.COFINANCING, days=3),
        )
    ]
    for i, (resident, amount) in enumerate(
        zip(residents, [150_000, 100_000, 120_000, 80_000, 150_000], strict=False)
    ):
        pledges.append(
            pledge_make(
                user=resident,
                campaign=campaign,
                amount=amount,
                now=run.at(StageKind.COFINANCING, days=5 + 4 * i),
            )
        )
    # The hourly tick settles the campaign at its deadline: the target is reached.
    campaigns_settle(now=deadline + timedelta(hours=1))
    for i, pledge in enumerate(pledges[:4]):
        pledge_confirm(
            actor=admin,
            pledge=pledge,
            reference=f"п/п № {4100 + i} от казначейства",
            now=deadline + timedelta(days=3 + i),
        )
    _implementation(
        run,
        boats,
        [("Причал и лодочный домик", 120, 100), ("Закупка лодок и катамаранов", 200, 60)],
        [
            (Verdict.PARTLY, "Причал построен, а лодок пока нет — обещали к лету."),
            (Verdict.NOT_DONE, "Прошёл срок, прокат так и не открылся."),
        ],
    )
    _implementation(
        run,
        taken[1],
        [("Ступени амфитеатра", 150, 100)],
        [(Verdict.DONE, "Ступени готовы, по вечерам здесь играют музыканты.")],
    )
    return run.project


# Kazan: a chapter of the development strategy, drafted together --------------------------------------------

STRATEGY = [
    IdeaText(
        "Пешеходные улицы в старой Татарской слободе",
        "Сделать улицы Старо-Татарской слободы пешеходными по выходным и убрать парковку с тротуаров.",
        (True, "Принята: войдёт в главу стратегии как задача 2.1."),
    ),
    IdeaText(
        "Зелёный каркас вдоль Казанки",
        "Непрерывная зелёная зона вдоль Казанки с тропами, связывающая парки города.",
        (True, "Принята: станет целевым показателем главы — 12 км набережных к 2030 году."),
    ),
    IdeaText(
        "Запрет новых торговых центров в центре",
        "Не строить больше торговых центров внутри кольца, только жильё и общественные пространства.",
        (False, "Не принята: стратегия не может запрещать законную застройку; вопрос — для генплана."),
    ),
    IdeaText(
        "Дворы без машин",
        "Убрать машины из дворов новостроек, оставив проезд только для экстренных служб.",
        (True, "Принята в смягчённом виде: пилотные дворы в двух районах."),
    ),
    IdeaText(
        "Пешеходная Старо-Татарская слобода",
        "Превратить улицы слободы в пешеходную зону, хотя бы в выходные дни.",
    ),
]

CHAPTER = """## 1. Цель главы
Казань — город, в котором удобно жить пешком: до парка, школы и остановки не дальше 15 минут.

## 2. Пешеходные пространства
Город расширяет пешеходные зоны в исторических кварталах и на набережных.

## 3. Зелёный каркас
Парки и скверы связываются зелёными коридорами вдоль рек Казанка и Волга.

## 4. Дворы
Дворы многоквартирных домов проектируются как общественные пространства для жителей.

## 5. Показатели
Доля жителей, живущих в 15 минутах ходьбы от парка, растёт с 60 % до 80 % к 2030 году.
"""


def _section(document_pk: int, number: str) -> Section:
    """The section numbered `number` in the document's latest version."""
    from veche.drafting.models import Document

    version = latest_version(Document.objects.get(pk=document_pk))
    return Section.objects.select_related("version__document").get(version=version, number=number)


def _strategy(city: Municipality, residents: list[User], now: datetime) -> Project:
    admin = User.objects.get(username=f"{city.slug}-admin")
    run = _project(
        organiser=admin,
        municipality=city,
        title="Стратегия развития Казани до 2035 года: глава «Городская среда»",
        description=(
            "Глава стратегии о городской среде пишется вместе с жителями: сначала идеи и голосование за "
            "главные из них, затем текст главы, к каждому пункту которого можно предложить поправку."
        ),
        stages=[
            (StageKind.IDEAS, 30),
            (StageKind.DISCUSSION, 14),
            (StageKind.VOTING, 14),
            (StageKind.SELECTION, 14),
            (StageKind.DRAFTING, 40),
            (StageKind.IMPLEMENTATION, 300),
        ],
        starts_at=now - timedelta(days=540),
        residents=residents,
    )
    ideas = _ideas(run, STRATEGY, [[1, 2, 3], [0, 2, 4, 5], [4], [0, 1], [2, 3]])
    _merge(run, ideas[4], ideas[0], "Совпадает с идеей о пешеходной слободе: объединяем поддержку.")
    live = ideas[:4]
    _votes(
        run,
        live,
        [
            (r, [[0, 1], [1, 3], [0, 2], [0, 1, 3], [1], [0, 3], [1, 2], [0, 1]][i])
            for i, r in enumerate(residents[:8])
        ],
    )
    taken = _select(run, ideas, STRATEGY, "Комитет по архитектуре и градостроительству")

    drafting = StageKind.DRAFTING
    document = document_create(
        actor=admin,
        project=run.project,
        title="Глава 4. Городская среда",
        text=CHAPTER,
        now=run.at(drafting, hours=-30),
    )
    document_publish(actor=admin, document=document, now=run.at(drafting, hours=1))
    walk = amendment_propose(
        author=residents[0],
        section=_section(document.pk, "2"),
        body=(
            "Город расширяет пешеходные зоны в исторических кварталах, включая Старо-Татарскую "
            "слободу, и на набережных."
        ),
        rationale="Так в тексте появится выбранная жителями идея.",
        now=run.at(drafting, days=2),
    )
    bikes = amendment_propose(
        author=residents[1],
        section=_section(document.pk, "3"),
        kind="add",
        heading="Велосипедная сеть",
        body="Зелёные коридоры включают велодорожки, связанные с остановками транспорта.",
        now=run.at(drafting, days=3),
    )
    cars = amendment_propose(
        author=residents[2],
        section=_section(document.pk, "4"),
        body="Во дворах запрещается движение автомобилей.",
        rationale="Дворы должны быть для людей.",
        now=run.at(drafting, days=4),
    )
    for i, resident in enumerate(residents[3:7]):
        amendment_support(user=resident, amendment=walk, now=run.at(drafting, days=5, hours=i))
        amendment_support(
            user=resident, amendment=bikes if i % 2 else cars, now=run.at(drafting, days=5, hours=i + 1)
        )
    amendment_decide(
        actor=admin,
        amendment=walk,
        accept=True,
        reason="Принята: отражает выбранную идею.",
        now=run.at(drafting, days=10),
    )
    amendment_decide(
        actor=admin,
        amendment=bikes,
        accept=True,
        reason="Принята: дополняет зелёный каркас.",
        now=run.at(drafting, days=10, hours=1),
    )
    amendment_decide(
        actor=admin,
        amendment=cars,
        accept=False,
        reason="Отклонена: полный запрет лишит проезда жильцов с инвалидностью; см. пилотные дворы.",
        now=run.at(drafting, days=10, hours=2),
    )
    version_publish(
        actor=admin,
        document=document,
        note="Учтены поправки жителей о слободе и велосети.",
        now=run.at(drafting, days=12),
    )
    pilot = amendment_propose(
        author=residents[4],
        section=_section(document.pk, "4"),
        body=(
            "Дворы многоквартирных домов проектируются как общественные пространства; в пилотных "
            "дворах двух районов проезд остаётся только для экстренных служб и жильцов с инвалидностью."
        ),
        rationale="Компромисс после отклонённой поправки.",
        now=run.at(drafting, days=14),
    )
    for i, resident in enumerate(residents[:3]):
        amendment_support(user=resident, amendment=pilot, now=run.at(drafting, days=15, hours=i))
    amendment_decide(
        actor=admin,
        amendment=pilot,
        accept=True,
        reason="Принята: это решение по идее «Дворы без машин».",
        now=run.at(drafting, days=20),
    )
    version_publish(
        actor=admin, document=document, note="Пилотные дворы без машин.", now=run.at(drafting, days=22)
    )

    _implementation(
        run,
        taken[0],
        [
            ("Схема пешеходной слободы утверждена", 60, 100),
            ("Пешеходные выходные на улице Каюма Насыри", 150, 30),
        ],
        [(Verdict.PARTLY, "По выходным улица закрыта для машин, но парковка на тротуарах осталась.")],
    )
    return run.project


# Moscow today ---------------------------------------------------------------------------------------------

TRANSPORT = [
    IdeaText(
        "Выделенная полоса на Мясницкой", "Выделенная полоса для автобусов на Мясницкой улице в часы пик."
    ),
    IdeaText("Велодорожка по Бульварному кольцу", "Непрерывная велодорожка по всему Бульварному кольцу."),
    IdeaText(
        "Больше пешеходных переходов на Садовом", "Наземные переходы на Садовом кольце вместо подземных."
    ),
]
PRESNYA = [
    IdeaText("Новый пруд с мостиками", "Расчистить старый пруд в парке и сделать деревянные мостики."),
    IdeaText("Спортивный кластер", "Площадки для воркаута, настольного тенниса и стритбола в одном месте."),
    IdeaText("Тихая зона для чтения", "Уголок с шезлонгами и книжным шкафом, где нельзя включать музыку."),
    IdeaText("Зимний каток", "Заливать каток на центральной площадке парка с декабря по март."),
]
DELIBERATION = [
    IdeaText("Бесплатные пересадки на 90 минут", "Одна оплата на все пересадки в течение 90 минут."),
    IdeaText("Платный въезд в центр", "Плата за въезд в пределы Садового кольца в будние дни."),
    IdeaText("Ночные трамваи", "Пустить трамваи по главным маршрутам всю ночь."),
]


def _today(moscow: Municipality, residents: list[User], now: datetime) -> None:
    admin = User.objects.get(username="moscow-admin")
    official = User.objects.get(username="moscow-official")
    roads = Membership.objects.get(user=official, municipality=moscow).department
    others = [r for r in residents if r.username != "resident1"]
    full = [
        (StageKind.IDEAS, 24),
        (StageKind.DISCUSSION, 14),
        (StageKind.ASSESSMENT, 14),
        (StageKind.VOTING, 14),
        (StageKind.SELECTION, 14),
        (StageKind.IMPLEMENTATION, 365),
    ]
    # Organised by the Department of Transport, whose officials run it; the municipal admin sets it up.
    transport = _project(
        organiser=admin,
        municipality=moscow,
        title="Транспортный план Центрального округа: что изменить?",
        description=(
            "Департамент транспорта готовит план Центрального округа на пять лет. Предложите, как "
            "изменить улицы, остановки и маршруты; поддержите идеи других."
        ),
        stages=full,
        starts_at=now - timedelta(days=10),
        residents=others,
        department=roads,
        tier=ProjectTier.REGISTERED,
    )
    _ideas(transport, TRANSPORT, [[1, 2], [0, 3, 4], [5]])

    presnya = _project(
        organiser=admin,
        municipality=moscow,
        title="Что сделать в парке «Красная Пресня» в первую очередь?",
        description=(
            "Идеи жителей собраны, обсуждены и оценены. Выберите до двух идей, которые город сделает первыми."
        ),
        stages=[(StageKind.IDEAS, 21), (StageKind.DISCUSSION, 14), (StageKind.ASSESSMENT, 14), *full[3:]],
        starts_at=now - timedelta(days=52),
        residents=others,
        approval_limit=2,
    )
    ideas = _ideas(presnya, PRESNYA, [[1, 2, 3], [0, 4], [5, 6], [2, 7]])
    # Other residents vote from the voting stage's second day; resident1 has not voted.
    _votes(
        presnya,
        ideas,
        [(r, [[0, 1], [1], [2, 3], [0, 3], [1, 2], [0]][i]) for i, r in enumerate(others[1:7])],
    )

    strategy = _project(
        organiser=admin,
        municipality=moscow,
        title="Стратегия развития Москвы до 2035 года: глава «Транспорт и городская среда»",
        description=(
            "Прежде чем голосовать за идеи главы, жители ищут, в чём они согласны: отвечают на короткие "
            "утверждения и приходят на встречи с авторами стратегии."
        ),
        stages=[
            (StageKind.IDEAS, 21),
            (StageKind.DELIBERATION, 28),
            (StageKind.VOTING, 14),
            (StageKind.SELECTION, 14),
            (StageKind.IMPLEMENTATION, 365),
        ],
        starts_at=now - timedelta(days=35),
        residents=others,
        tier=ProjectTier.REGISTERED,
    )
    _ideas(strategy, DELIBERATION, [[2, 3], [4], [0, 5, 6]])
    stage = strategy.stages[StageKind.DELIBERATION]
    soon = timezone.localtime(now).replace(hour=19, minute=0, second=0, microsecond=0)
    nearly_full = meeting_create(
        actor=admin,
        project=strategy.project,
        stage=stage,
        title="Встреча с авторами главы «Транспорт» в Центральном округе",
        description=(
            "Авторы главы рассказывают о вариантах и слушают жителей. Мест немного — зарегистрируйтесь."
        ),
        kind=MeetingKind.IN_PERSON,
        address="Москва, Тверская улица, 13, зал заседаний",
        latitude=55.7616,
        longitude=37.6096,
        online_url="",
        starts_at=soon + timedelta(days=4),
        ends_at=soon + timedelta(days=4, hours=2),
        capacity=len(others) + 1,
        registration_opens=now - timedelta(days=3),
        now=now - timedelta(days=4),
    )
    # Every demo resident but resident1 has a place: one is left.
    for i, resident in enumerate(others):
        registration_make(user=resident, meeting=nearly_full, now=now - timedelta(days=2, hours=-i))
    online = meeting_create(
        actor=admin,
        project=strategy.project,
        stage=stage,
        title="Онлайн-обсуждение: ночной транспорт и пересадки",
        kind=MeetingKind.HYBRID,
        description="Трансляция с вопросами из чата; можно прийти в зал.",
        address="Москва, Большая Никитская улица, 12, библиотека",
        latitude=55.7563,
        longitude=37.6044,
        online_url="https://meet.demo.veche.local/strategy-transport",
        starts_at=soon + timedelta(days=11),
        ends_at=soon + timedelta(days=11, hours=2),
        capacity=200,
        registration_opens=now - timedelta(days=1),
        now=now - timedelta(days=2),
    )
    for i, resident in enumerate(others[:3]):
        registration_make(user=resident, meeting=online, now=now - timedelta(hours=10 - i))


def _upcoming(city: Municipality, now: datetime) -> None:
    admin = User.objects.get(username=f"{city.slug}-admin")
    _project(
        organiser=admin,
        municipality=city,
        title="Каким быть Михайловской набережной?",
        description="Скоро начнём собирать идеи жителей для обновления набережной.",
        stages=[
            (StageKind.IDEAS, 21),
            (StageKind.DISCUSSION, 14),
            (StageKind.VOTING, 14),
            (StageKind.SELECTION, 14),
        ],
        starts_at=now + timedelta(days=7),
        residents=[],
    )


def load(stdout: TextIO) -> None:
    if Project.objects.exists():
        stdout.write("  crowd projects already loaded")
        return
    moscow = Municipality.objects.filter(slug="moscow").first()
    if moscow is None:
        return
    now = timezone.now()
    password_hash = make_password(PASSWORD)
    residents = verified_residents(moscow, password_hash, moscow=MOSCOW_RESIDENTS)
    # resident2 is not verified: Moscow's verified residents only, resident1 first.
    residents = sorted((r for r in residents if r.username != "resident2"), key=lambda r: int(r.username[8:]))
    _kuzminki(moscow, residents, now)
    made = ["moscow"]
    for slug, make in zip(REGIONAL, (_iset, _strategy), strict=True):
        city = Municipality.objects.filter(slug=slug, is_active=True).first()
        if city is None:
            continue
        make(city, verified_residents(city, password_hash, moscow=[], count=8), now)
        made.append(slug)
    _today(moscow, residents, now)
    upcoming = Municipality.objects.filter(slug=UPCOMING, is_active=True).first()
    if upcoming is not None:
        _upcoming(upcoming, now)
    stdout.write(
        f"  crowd projects through the whole cycle in {', '.join(made)} (co-financing, a drafted text); "
        "Moscow today: ideas, voting (resident1 has not voted), deliberation with meetings to come"
    )
