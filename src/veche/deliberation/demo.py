"""Demo deliberations: the Moscow strategy chapter's deliberation stage with about three hundred
participants in three opinion groups, and a real Polis conversation imported to explore.

- "Стратегия развития Москвы до 2035 года: глава «Транспорт и городская среда»" (crowdprojects' demo,
  in its deliberation stage today) gets its question and thirty seed statements by the municipal
  admin. About three hundred residents answered on paper cards at meetings and in a street survey
  (participants without accounts, `offline.deliberation_add_offline_votes`); they fall into three
  groups, drivers, public transport riders and walkers and cyclists, each with its own leaning on each
  statement (`LEANINGS`). The demo residents resident2..resident10 voted on the site through
  `vote_cast`, each leaning like one of the groups; resident1 has not voted (to try it). Three
  residents' statements wait for the moderator. The map is computed at once.
- Polis's "$15/hour" conversation about Seattle's minimum wage (CC BY 4.0, The Computational Democracy
  Project, compdemocracy/openData; the files and their attribution in fixtures/15-per-hour-seattle/)
  is imported as a standalone deliberation of Moscow, published and open, with its map.

Who sees which statement, who is in which group and who passes come from the engine's
`planted_conversation`; whether a voter agrees comes from the group's leaning in `LEANINGS`.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

import numpy as np
from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import Project, StageKind
from veche.deliberation.engine.synthetic import planted_conversation
from veche.deliberation.models import Deliberation, Participant, Statement, Vote
from veche.deliberation.offline import deliberation_add_offline_votes
from veche.deliberation.services import (
    deliberation_create,
    deliberation_import_polis,
    deliberation_publish,
    map_recompute,
    statement_add,
    vote_cast,
)
from veche.municipalities.models import Municipality

STRATEGY = "Стратегия развития Москвы до 2035 года: глава «Транспорт и городская среда»"
QUESTION = "Какими должны быть улицы и транспорт Москвы через десять лет?"
DESCRIPTION = (
    "Прежде чем голосовать за идеи главы «Транспорт и городская среда», найдём, в чём жители согласны, "
    "а в чём расходятся. Отвечайте на утверждения по одному: «Согласен», «Не согласен» или «Пропустить». "
    "Можно добавить своё утверждение: его покажут после проверки модератором. Ответы с бумажных "
    "анкет, собранных на встречах и в уличном опросе, внесены организаторами."
)

# Each seed statement with the agree probability of the groups: drivers, public transport riders,
# walkers and cyclists (of those who do not pass). Some divide the groups, some unite them.
LEANINGS: list[tuple[str, float, float, float]] = [
    ("Платную парковку нужно распространить на спальные районы", 0.08, 0.35, 0.8),
    ("Парковка в центре стоит слишком дорого", 0.92, 0.35, 0.15),
    ("Выделенных полос для автобусов должно быть больше", 0.12, 0.94, 0.5),
    ("Выделенные полосы сужают дороги и создают пробки", 0.88, 0.08, 0.45),
    ("Нужна сеть велодорожек, отделённых от машин бордюром", 0.2, 0.35, 0.96),
    ("Велодорожки пустуют большую часть года", 0.85, 0.6, 0.06),
    ("Во дворах не должно быть машин: только пешеходы и дети", 0.12, 0.45, 0.92),
    ("У домов нужно больше парковочных мест", 0.93, 0.4, 0.12),
    ("В центре скорость надо ограничить 30 км/ч", 0.08, 0.3, 0.9),
    ("Городу нужны новые хорды и развязки", 0.92, 0.6, 0.1),
    ("Тротуары зимой надо чистить раньше, чем проезжую часть", 0.3, 0.7, 0.93),
    ("Автобусы должны ходить ночью хотя бы раз в 20 минут", 0.4, 0.94, 0.55),
    ("Самокаты на тротуарах опасны для пешеходов", 0.8, 0.85, 0.72),
    ("Подземные переходы лучше заменить наземными", 0.12, 0.3, 0.9),
    ("Пешеходы на проспектах слишком долго ждут зелёного света", 0.15, 0.4, 0.9),
    ("Метро должно дойти до каждого района Новой Москвы", 0.82, 0.96, 0.7),
    ("Проезд в метро и автобусах должен стоить дешевле", 0.4, 0.95, 0.35),
    ("Въезд в центр на машине нужно сделать платным", 0.05, 0.5, 0.85),
    ("Электробусы лучше дизельных автобусов", 0.6, 0.88, 0.86),
    ("На каждой остановке нужны навес и табло прибытия", 0.86, 0.96, 0.85),
    ("О ремонте дорог водителей предупреждают слишком поздно", 0.9, 0.45, 0.3),
    ("Трамвай — лучший транспорт для центра", 0.18, 0.82, 0.45),
    ("Улицы нужно озеленять, даже если придётся убрать парковку", 0.07, 0.45, 0.93),
    ("У поликлиник и школ парковка должна быть бесплатной", 0.9, 0.6, 0.35),
    ("Камер контроля скорости стало слишком много", 0.86, 0.3, 0.1),
    ("Велосипед нужно разрешить возить в метро в любое время", 0.35, 0.1, 0.93),
    ("Новые станции метро важнее, чем благоустройство улиц", 0.65, 0.93, 0.08),
    ("Город должен спрашивать жителей, прежде чем перестраивать улицу", 0.9, 0.86, 0.92),
    ("Машин меньше не станет, и город надо строить под них", 0.88, 0.2, 0.06),
    ("На широких улицах нужны скамейки и тень", 0.6, 0.78, 0.95),
]
GROUPS = ("drivers", "public transport", "walking and cycling")

# Residents' statements waiting for the moderator: (author, text).
PENDING = [
    ("resident3", "Нужны парковки-перехватчики у каждой конечной станции метро"),
    ("resident6", "Маршрут автобуса нельзя менять, не предупредив жителей за месяц"),
    ("resident9", "Курьерам на мопедах не место на велодорожках"),
]

# The demo residents who voted on the site, each leaning like a group (resident1 has not voted).
ONLINE = {f"resident{i}": (i - 2) % len(GROUPS) for i in range(2, 11)}

SEED = 2035
OFFLINE = 291  # with the nine demo residents, 300 participants
VOTES_PER_SHEET = 20
SURVEY_DAYS = 10

# The real conversation explored: a folder of this package, its question (Polis's description).
SEATTLE = Path(__file__).resolve().parent / "fixtures" / "15-per-hour-seattle"
SEATTLE_TITLE = (
    "How do you think the new minimum wage law will affect Seattle? Will it be for the better or for the "
    "worse? Why?"
)
SEATTLE_DESCRIPTION = (
    "Настоящее обсуждение в Polis о минимальной оплате труда 15 долларов в час в Сиэтле (США), на "
    "английском языке: 339 участников, 54 утверждения. Данные — открытые данные The Computational "
    "Democracy Project (репозиторий compdemocracy/openData, pol.is/2demo), лицензия CC BY 4.0; "
    "загружены из экспорта Polis без изменений, чтобы показать карту мнений на живом разговоре."
)


def load(stdout: TextIO) -> None:
    if Deliberation.objects.exists():
        stdout.write("  deliberations already loaded")
        return
    moscow = Municipality.objects.filter(slug="moscow").first()
    project = Project.objects.filter(municipality=moscow, title=STRATEGY).first()
    if moscow is None or project is None:
        return
    now = timezone.now()
    made: list[tuple[Deliberation, float]] = []
    started = time.perf_counter()
    # The residents' answers are dated over the last days of the stage: a crowd demo loaded long ago
    # (its stage over, or begun only just) gets no deliberation rather than refused votes.
    stage = project.stages.filter(kind=StageKind.DELIBERATION).first()
    if stage is not None and stage.runs_at(now) and stage.runs_at(now - timedelta(days=SURVEY_DAYS + 4)):
        made.append((_strategy(moscow, project, now), time.perf_counter() - started))
    else:
        stdout.write("  the strategy chapter is not in its deliberation stage today: no deliberation for it")
    started = time.perf_counter()
    made.append((_seattle(moscow, now), time.perf_counter() - started))
    for deliberation, seconds in made:
        stdout.write(
            f"  deliberation {deliberation.pk} «{deliberation.title[:60]}»: "
            f"{Participant.objects.filter(deliberation=deliberation).count()} participants, "
            f"{Statement.objects.filter(deliberation=deliberation).count()} statements, "
            f"{Vote.objects.filter(deliberation=deliberation).count()} votes, "
            f"map k={deliberation.map.k} ({seconds:.1f} s)"
        )


def _strategy(moscow: Municipality, project: Project, now: datetime) -> Deliberation:
    admin = User.objects.get(username="moscow-admin")
    deliberation = deliberation_create(
        actor=admin,
        municipality=moscow,
        project=project,
        title=QUESTION,
        description=DESCRIPTION,
        now=now - timedelta(days=SURVEY_DAYS + 5),
    )
    deliberation = deliberation_publish(
        actor=admin, deliberation=deliberation, now=now - timedelta(days=SURVEY_DAYS + 4)
    )
    seeds = [
        statement_add(
            author=admin, deliberation=deliberation, text=text, now=now - timedelta(days=SURVEY_DAYS + 4)
        )
        for text, *_leaning in LEANINGS
    ]
    leaning = np.array([row[1:] for row in LEANINGS])  # statements x groups

    # Paper sheets: who saw what, who is in which group and who passed are planted; agreement follows
    # the group's leaning.
    planted, group_of = planted_conversation(OFFLINE, len(seeds), VOTES_PER_SHEET, len(GROUPS), SEED)
    rng = np.random.default_rng(SEED)
    participant = planted.participants[planted.rows]
    column = planted.cols
    agree = rng.random(len(planted)) < leaning[column, [group_of[int(p)] for p in participant]]
    values = np.where(planted.values == 0, 0, np.where(agree, 1, -1))
    sheets: list[dict[int, int]] = [{} for _ in range(OFFLINE)]
    for p, c, v in zip(participant.tolist(), column.tolist(), values.tolist(), strict=True):
        sheets[p][seeds[c].number] = v
    per_day = -(-OFFLINE // SURVEY_DAYS)
    for day in range(SURVEY_DAYS):
        deliberation_add_offline_votes(
            actor=admin,
            deliberation=deliberation,
            sheets=sheets[day * per_day : (day + 1) * per_day],
            now=now - timedelta(days=SURVEY_DAYS + 3 - day, hours=-18),
        )

    # Demo residents on the site, a few hours apart over the last days.
    pick = random.Random(SEED)
    for i, (username, group) in enumerate(ONLINE.items()):
        user = User.objects.get(username=username)
        answered = pick.sample(range(len(seeds)), pick.randint(8, 16))
        for j, c in enumerate(answered):
            value = 0 if pick.random() < 0.1 else 1 if pick.random() < leaning[c, group] else -1
            vote_cast(
                user=user,
                deliberation=deliberation,
                statement=seeds[c],
                value=value,
                now=now - timedelta(days=3, hours=-6 * i, minutes=-j),
            )
    for k, (username, text) in enumerate(PENDING):
        statement_add(
            author=User.objects.get(username=username),
            deliberation=deliberation,
            text=text,
            now=now - timedelta(days=1, hours=-3 * k),
        )
    map_recompute(deliberation=deliberation, now=now)
    return Deliberation.objects.select_related("map").get(pk=deliberation.pk)


def _seattle(moscow: Municipality, now: datetime) -> Deliberation:
    admin = User.objects.get(username="moscow-admin")
    deliberation = deliberation_import_polis(
        actor=admin,
        source=SEATTLE,
        municipality=moscow,
        title=SEATTLE_TITLE,
        description=SEATTLE_DESCRIPTION,
        publish=True,
        now=now,
    )
    map_recompute(deliberation=deliberation, now=now)
    return Deliberation.objects.select_related("map").get(pk=deliberation.pk)
