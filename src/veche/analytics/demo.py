"""Demo history for analytics: two years in which the ten cities practise the research's three models.

The participation apps' demos run first. Over the demo's two years they give every city a few
hundred reports in every state (answers, late ones, disputes), four recent appeals, today's polls
and initiatives, and three cities a crowd project carried through the whole cycle (crowdprojects
demo): Moscow, Yekaterinburg and Kazan, the model-1 cities here too. This module adds the rest of
the history, month by month over the 24 months up to today, through the apps' services with `now=`
in the past (so every vote and support is in the ledger and every event is where the services put
it):

- every city: an appeal every two months, signed by its residents and answered, a few of them late
  (escalated by the overdue tick first);
- the model-1 cities: a recent crowd project through the whole cycle (`demo_crowd`), so that they
  practise model 1 over the comparison page's default period (the last twelve months) too;
- the model-1 and model-2 cities: a closed poll every quarter with its residents' votes, and
  initiatives supported, accepted with options, voted on, decided and implemented (every milestone
  done);
- the model-3 cities: nothing more; their residents report and appeal only.

Then the analytics roll-up runs (every run: it adds only what is new), so that the pages show the
history at once. Running it again adds
nothing (the first demo appeal marks it loaded).
"""

import io
import random
from datetime import datetime, time, timedelta
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from veche.accounts.models import User, Verification
from veche.analytics.demo_crowd import recent_cycle
from veche.analytics.services import rollup_run
from veche.appeals.models import Appeal
from veche.appeals.services import appeal_answer, appeal_create, appeal_sign, appeals_escalate_overdue
from veche.initiatives.models import Initiative
from veche.initiatives.services import (
    initiative_accept,
    initiative_create,
    initiative_decide,
    initiative_publish,
    initiative_reject,
    initiative_support,
    milestone_add,
    milestone_complete,
)
from veche.municipalities.demo import INFORMING_ONLY, PASSWORD, verified_residents
from veche.municipalities.models import Municipality
from veche.municipalities.zones import zone_of
from veche.polls.models import Kind, PollTier
from veche.polls.services import poll_create, poll_publish, poll_vote

# The research's finding: 3 of 10 cities practise model 1 (residents decide: crowd projects through
# the whole cycle), about four model 2 (residents' choice carried out: initiatives, polls, budgets),
# the rest model 3 (residents inform: reports and appeals).
MODEL_1 = ("moscow", "yekaterinburg", "kazan")
MODEL_2 = ("saint-petersburg", "novosibirsk", "nizhny-novgorod", "samara")
MODEL_3 = INFORMING_ONLY  # the other demos leave them out too
MODELS = {**dict.fromkeys(MODEL_1, 1), **dict.fromkeys(MODEL_2, 2), **dict.fromkeys(MODEL_3, 3)}

MONTHS = 24
MOSCOW_RESIDENTS = [f"resident{i}" for i in range(3, 11)]  # resident1 is left for today's open items
SIGNATURES = 5  # the appeals and initiatives demos lower every city's threshold to five
VOTERS = 8  # of them, how many vote in a poll (the demo's time goes mostly to signatures and votes)
RESIDENTS = 12  # verified residents in each city but Moscow (the appeals demo verifies the first six)

APPEALS = [
    (
        "Установить светофор у школы № 7",
        "Дети переходят дорогу у школы без светофора, машины не снижают скорость.",
    ),
    ("Отремонтировать крышу поликлиники", "Крыша поликлиники протекает, в коридорах стоят вёдра."),
    (
        "Продлить автобусный маршрут до нового района",
        "Жители нового района идут до остановки двадцать минут.",
    ),
    ("Сохранить берёзовую рощу", "Рощу у реки собираются вырубить под парковку; просим её сохранить."),
    ("Открыть пункт приёма вторсырья", "В районе нет ни одного пункта раздельного сбора отходов."),
    ("Построить пандус у библиотеки", "Люди на колясках и родители с детскими колясками не могут войти."),
    ("Убрать незаконную свалку за гаражами", "За гаражами годами копится мусор, его никто не вывозит."),
    ("Осветить дорогу к станции", "Дорога от станции к домам не освещена, зимой идти страшно."),
    ("Вернуть лавочки на бульвар", "После ремонта бульвара на нём не осталось ни одной лавочки."),
    ("Сделать бесплатной парковку у больницы", "Родственники больных платят за парковку каждый день."),
    ("Починить фонтан в сквере", "Фонтан не работает третий год, чаша разрушается."),
    ("Поставить остановочный павильон", "На остановке у рынка нет навеса, люди мокнут под дождём."),
]
ANSWERS = [
    "Обращение рассмотрено. Работы включены в план этого года, подрядчик определён.",
    "Администрация поддерживает обращение: решение принято, сроки опубликованы на сайте города.",
    "Обращение рассмотрено. Вопрос передан в профильный департамент, о результатах сообщим.",
]
POLLS = [
    ("Какой парк благоустроить в этом году?", ["Парк Победы", "Городской сад", "Парк у реки"]),
    ("Когда открывать катки?", ["С 1 декабря", "С первыми морозами", "С 15 декабря"]),
    ("Какой вид транспорта развивать первым?", ["Трамвай", "Автобусы", "Велодорожки"]),
    ("Что разместить на пустыре у вокзала?", ["Сквер", "Парковку", "Спортплощадку"]),
]
INITIATIVES = [
    (
        "Велодорожка до университета",
        "Студенты ездят на велосипедах по проезжей части: просим проложить велодорожку.",
        ["Выделенная полоса на дороге", "Отдельная дорожка вдоль бульвара"],
    ),
    (
        "Спортивная площадка в сквере",
        "В сквере пустует площадка; просим поставить там тренажёры.",
        ["Уличные тренажёры", "Площадка для воркаута"],
    ),
    (
        "Тёплая остановка у больницы",
        "Пациенты и посетители подолгу ждут автобуса на холоде.",
        ["Закрытый павильон с обогревом", "Навес с экраном прибытия автобусов"],
    ),
]
REJECTED = (
    "Канатная дорога через реку",
    "Предлагаем построить канатную дорогу между берегами, чтобы не стоять в пробках на мосту.",
)
REJECTED_REASONS = (
    "Стоимость строительства превышает годовой бюджет города на транспорт; вернёмся к идее позже."
)
MILESTONES = ["Проект и смета", "Работы выполнены и приняты"]


def _photo() -> SimpleUploadedFile:
    """A small plain picture, standing in for a photo of the work done."""
    out = io.BytesIO()
    Image.new("RGB", (160, 100), (110, 150, 110)).save(out, format="JPEG")
    return SimpleUploadedFile("work.jpg", out.getvalue(), content_type="image/jpeg")


def _month_start(now: datetime, months_ago: int, rng: random.Random) -> datetime:
    """A moment early in the month `months_ago` months before `now`'s (a working hour, a few days in)."""
    return now - timedelta(days=30.4 * months_ago - rng.uniform(0, 6), hours=rng.uniform(0, 6))


def _residents(municipality: Municipality, password_hash: str) -> list[User]:
    """The city's verified demo residents, who sign, support and vote: Moscow's own demo residents, and
    elsewhere the ones the appeals demo verified plus a few more, verified in person the same way."""
    residents = verified_residents(municipality, password_hash, moscow=MOSCOW_RESIDENTS, count=RESIDENTS)
    return [r for r in residents if Verification.objects.filter(user=r, municipality=municipality).exists()]


def _appeals(municipality: Municipality, admin: User, residents: list[User], now: datetime) -> int:
    """An appeal a month from 23 months ago to 4 months ago, signed over five days and answered: most
    in time, every fourth late (the overdue tick escalates it first)."""
    rng = random.Random(f"appeals-{municipality.slug}")
    made = 0
    for n, months_ago in enumerate(range(MONTHS - 1, 3, -1)):
        title, body = APPEALS[n % len(APPEALS)]
        author = residents[n % len(residents)]
        at = _month_start(now, months_ago, rng)
        appeal = appeal_create(author=author, municipality=municipality, title=title, body=body, now=at)
        others = [r for r in residents if r != author]
        signers = rng.sample(others, min(len(others), SIGNATURES + rng.randint(0, 1)))
        for day, signer in enumerate(signers, start=1):
            appeal_sign(user=signer, appeal=appeal, now=at + timedelta(days=day, hours=rng.uniform(0, 8)))
        appeal.refresh_from_db()
        reached = appeal.threshold_reached_at or at
        if n % 4 == 3 and appeal.answer_due is not None:
            due = datetime.combine(appeal.answer_due, time(10), tzinfo=zone_of(municipality))
            late = due + timedelta(days=rng.randint(3, 12))
            appeals_escalate_overdue(now=late - timedelta(days=1))
            answered = late
        else:
            answered = reached + timedelta(days=rng.randint(4, 25), hours=rng.uniform(0, 8))
        appeal_answer(official=admin, appeal=appeal, answer=rng.choice(ANSWERS), now=answered)
        made += 1
    return made


def _polls(municipality: Municipality, admin: User, residents: list[User], now: datetime) -> int:
    """A closed poll every quarter, eight of the residents voting (half of them for the first option)."""
    rng = random.Random(f"polls-{municipality.slug}")
    made = 0
    for n, months_ago in enumerate(range(MONTHS - 2, 2, -3)):
        title, options = POLLS[n % len(POLLS)]
        opens = _month_start(now, months_ago, rng)
        poll = poll_create(
            actor=admin,
            municipality=municipality,
            title=title,
            description="",
            kind=Kind.SINGLE,
            options=options,
            min_choices=1,
            max_choices=1,
            districts=[],
            tier=PollTier.VERIFIED,
            opens_at=opens,
            closes_at=opens + timedelta(days=14),
            live_results=False,
            now=opens - timedelta(days=2),
        )
        poll = poll_publish(actor=admin, poll=poll, now=opens - timedelta(days=1))
        ids = [option.pk for option in poll.options.order_by("position")]
        for hour, voter in enumerate(rng.sample(residents, min(len(residents), VOTERS)), start=1):
            choice = ids[0] if rng.random() < 0.5 else rng.choice(ids)
            poll_vote(user=voter, poll=poll, options=[choice], now=opens + timedelta(hours=5 * hour))
        made += 1
    return made


def _supported(
    municipality: Municipality, author: User, title: str, body: str, residents: list[User], at: datetime
) -> Initiative:
    """An initiative published at `at` and supported by five other residents, one a day: past its
    threshold, awaiting the answer."""
    initiative = initiative_create(author=author, municipality=municipality, title=title, body=body, now=at)
    initiative = initiative_publish(author=author, initiative=initiative, now=at)
    for day, supporter in enumerate([r for r in residents if r != author][:SIGNATURES], start=1):
        initiative_support(user=supporter, initiative=initiative, now=at + timedelta(days=day))
    initiative.refresh_from_db()
    return initiative


def _rejected(municipality: Municipality, admin: User, residents: list[User], now: datetime) -> None:
    """An initiative that reached its threshold 17 months ago and was turned down with reasons."""
    at = now - timedelta(days=30.4 * 17)
    title, body = REJECTED
    initiative = _supported(municipality, residents[-1], title, body, residents, at)
    initiative_reject(
        official=admin, initiative=initiative, reasons=REJECTED_REASONS, now=at + timedelta(days=12)
    )


def _initiatives(
    municipality: Municipality, admin: User, residents: list[User], now: datetime, months_ago: list[int]
) -> int:
    """Initiatives that went the whole way: supported over five days, accepted with options, voted on
    for the city's voting window, decided the day after it closed and implemented in two milestones."""
    rng = random.Random(f"initiatives-{municipality.slug}")
    for n, ago in enumerate(months_ago):
        title, body, options = INITIATIVES[n % len(INITIATIVES)]
        at = _month_start(now, ago, rng)
        initiative = _supported(municipality, residents[n % len(residents)], title, body, residents, at)
        accepted_at = at + timedelta(days=SIGNATURES + rng.randint(3, 10))
        initiative = initiative_accept(
            official=admin,
            initiative=initiative,
            answer="Инициатива поддержана. Выберите, как её осуществить.",
            options=options,
            now=accepted_at,
        )
        poll = initiative.poll
        if poll is None:  # accepted with options: the vote on them exists
            continue
        ids = [option.pk for option in poll.options.order_by("position")]
        for hour, voter in enumerate(residents[:VOTERS], start=1):
            poll_vote(
                user=voter,
                poll=poll,
                options=[ids[0] if hour % 3 else ids[1]],
                now=poll.opens_at + timedelta(hours=hour),
            )
        decided_at = poll.closes_at + timedelta(days=1)
        initiative = initiative_decide(official=admin, initiative=initiative, now=decided_at)
        milestones = [
            milestone_add(
                official=admin,
                initiative=initiative,
                title=step,
                due=(decided_at + timedelta(days=30 * i)).date(),
                now=decided_at + timedelta(hours=2),
            )
            for i, step in enumerate(MILESTONES, start=1)
        ]
        for i, milestone in enumerate(milestones, start=1):
            milestone_complete(
                official=admin,
                milestone=milestone,
                photos=[_photo()],
                now=decided_at + timedelta(days=25 * i),
            )
    return len(months_ago)


def _loaded() -> bool:
    return Appeal.objects.filter(title=APPEALS[0][0], municipality__slug__in=MODELS).exists()


def _city(municipality: Municipality, admin: User, residents: list[User], now: datetime) -> str:
    """Add the city's history as its model has it; what was added, as a progress line."""
    model = MODELS[municipality.slug]
    appeals = _appeals(municipality, admin, residents, now)
    if model == 3:
        return f"{municipality.slug} (model 3): {appeals} appeals over {MONTHS} months, nothing else"
    crowd = ""
    if model == 1:
        recent_cycle(municipality, admin, residents, now)
        crowd = "a crowd project through the whole cycle in the last 12 months, "
    polls = _polls(municipality, admin, residents, now)
    implemented = _initiatives(municipality, admin, residents, now, [20, 11] if model == 1 else [22, 15, 8])
    _rejected(municipality, admin, residents, now)
    return (
        f"{municipality.slug} (model {model}): {crowd}{appeals} appeals, {polls} closed polls, {implemented} "
        f"initiatives implemented and one turned down over {MONTHS} months"
    )


def load(stdout: TextIO) -> None:
    if _loaded():
        stdout.write("  analytics history already loaded")
    else:
        now = timezone.now()
        password_hash = make_password(PASSWORD)
        for municipality in Municipality.objects.filter(slug__in=MODELS, is_active=True).order_by("pk"):
            admin = User.objects.filter(username=f"{municipality.slug}-admin").first()
            residents = _residents(municipality, password_hash)
            if admin is None or len(residents) < SIGNATURES + 1:
                stdout.write(f"  {municipality.slug}: no admin or too few verified residents, skipped")
                continue
            stdout.write(f"  {_city(municipality, admin, residents, now)}")
    # The pages read the roll-ups only: bring them up to date now rather than at the next beat.
    stats = rollup_run()
    stdout.write(f"  analytics roll-up: {stats.total} new rows read")
