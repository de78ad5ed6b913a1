"""Demo appeals in every municipality: one answered, one awaiting its answer, one whose answer is overdue
(and escalated), one collecting signatures.

The demo lowers each city's threshold to a handful of signatures, so that the whole path shows.
Cities other than Moscow get a few verified residents of their own to sign.
"""

from datetime import datetime, timedelta
from typing import TextIO

from veche.accounts.models import User
from veche.appeals.models import Appeal
from veche.appeals.services import (
    RULES,
    appeal_answer,
    appeal_create,
    appeal_policy_save,
    appeals_escalate_overdue,
)
from veche.municipalities.models import Municipality
from veche.petitions.demo import comment_in_moscow, endorsed_daily, load_in_each_city

THRESHOLD = 5
RESIDENTS = 6
MOSCOW_SIGNERS = ["resident1", *(f"resident{i}" for i in range(3, 11))]

ANSWERED = (
    "Сохранить сквер у Дома культуры",
    "Постановлением администрации сквер у Дома культуры отдан под застройку торговым центром. "
    "Это единственное зелёное место в округе, где гуляют с детьми и проводят праздники.\n\n"
    "**Просим** отменить постановление и сохранить сквер как общественное пространство.",
    "Администрация рассмотрела обращение. Постановление о застройке сквера **отменено**. "
    "В следующем году сквер будет благоустроен по проекту, который мы обсудим с жителями.",
)
AWAITING = (
    "Вернуть автобусный маршрут № 12",
    "С начала месяца маршрут № 12 отменён, и жители северных кварталов остались без прямого "
    "сообщения с центром: дорога до работы и поликлиники занимает на час больше.\n\n"
    "Просим восстановить маршрут хотя бы в часы пик.",
)
OVERDUE = (
    "Отремонтировать тротуар на Школьной улице",
    "Тротуар от школы до автобусной остановки разбит: весной и осенью дети идут по проезжей части, "
    "потому что на тротуаре стоят лужи по щиколотку.\n\n"
    "Просим включить ремонт тротуара в план работ этого года.",
)
COLLECTING = (
    "Пересмотреть платную парковку во дворах",
    "Новые правила вводят плату за парковку во дворах жилых домов. Жители платят за стоянку "
    "у собственного подъезда, а мест от этого не прибавилось.\n\n"
    "Просим исключить дворы из зоны платной парковки.",
)


def _publish(
    municipality: Municipality, author: User, text: tuple[str, ...], signers: list[User], at: datetime
) -> Appeal:
    """An appeal published at `at` and signed by `signers`, one a day."""
    appeal = appeal_create(author=author, municipality=municipality, title=text[0], body=text[1], now=at)
    signed: Appeal = endorsed_daily(RULES, appeal, signers, at)
    return signed


def _city(municipality: Municipality, admin: User, signers: list[User], now: datetime) -> bool:
    appeal_policy_save(actor=admin, municipality=municipality, signature_threshold=THRESHOLD, answer_days=30)
    first, second, third, fourth = signers[0], signers[1], signers[2], signers[3]
    answered = _publish(
        municipality, first, ANSWERED, [s for s in signers if s != first], now - timedelta(days=80)
    )
    appeal_answer(official=admin, appeal=answered, answer=ANSWERED[2], now=now - timedelta(days=50))
    awaiting = [s for s in signers if s != second][:THRESHOLD]
    _publish(municipality, second, AWAITING, awaiting, now - timedelta(days=12))
    # Signed long enough ago that its answer, never given, is past due: the tick escalates it.
    late = [s for s in signers if s != fourth][:THRESHOLD]
    _publish(municipality, fourth, OVERDUE, late, now - timedelta(days=90))
    collecting = _publish(municipality, third, COLLECTING, [first, second], now - timedelta(days=3))
    comment_in_moscow(
        RULES, collecting, second, "Поддерживаю. В нашем дворе после введения платы машины встали на газоны."
    )
    return True


SAYS = (
    f"  4 appeals in each of {{cities}} municipalities (threshold lowered to {THRESHOLD}), {{did}} overdue "
    f"and escalated; <city>-resident1…{RESIDENTS} are verified residents who sign"
)


def load(stdout: TextIO) -> None:
    load_in_each_city(
        stdout, Appeal, _city, residents=(MOSCOW_SIGNERS, RESIDENTS), then=appeals_escalate_overdue, says=SAYS
    )
