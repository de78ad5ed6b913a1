"""Demo initiatives in every municipality but those whose residents only report and appeal
(`municipalities.demo.INFORMING_ONLY`), one at each step that shows.

Collecting support; past the threshold and awaiting the answer; accepted with an open vote on its
options; decided, with milestones (some done, with photos); and archived after its window ended.
In Moscow resident1 has neither supported the collecting initiative nor voted on the open
options, so they can do both. The demo lowers each city's threshold to a handful of supporters.
Everything goes through the services, so every support and vote is in the ledger.
"""

import io
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TextIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from veche.accounts.models import User
from veche.initiatives.models import Initiative, Scope, ThresholdKind
from veche.initiatives.services import (
    RULES,
    initiative_accept,
    initiative_create,
    initiative_decide,
    initiative_policy_save,
    initiative_publish,
    initiatives_archive_expired,
    milestone_add,
    milestone_complete,
)
from veche.municipalities.demo import INFORMING_ONLY
from veche.municipalities.models import Municipality
from veche.petitions.demo import comment_in_moscow, endorsed_daily, load_in_each_city
from veche.polls.services import poll_vote

THRESHOLD = 5
RESIDENTS = 6
SUPPORT_DAYS = 60
MOSCOW_SUPPORTERS = [f"resident{i}" for i in range(3, 11)]  # resident1 is left to support and vote

COLLECTING = (
    "Освещение на велодорожке вдоль реки",
    "Велодорожка вдоль набережной не освещена: после восьми вечера по ней опасно ездить и ходить.\n\n"
    "Предлагаем поставить **светодиодные фонари** на всём протяжении дорожки.",
)
AWAITING = (
    "Общественный огород во дворе школы",
    "Во дворе школы пустует участок земли. Предлагаем разбить там огород, за которым будут "
    "ухаживать ученики и жители соседних домов.",
)
VOTING = (
    "Новая детская площадка в парке",
    "Старая площадка в парке разрушена, детям негде играть. Просим построить новую.",
    "Инициатива поддержана. Подрядчик подготовил три проекта площадки; выберите тот, который будет построен.",
    [
        "Площадка в морском стиле с корабликом",
        "Спортивный городок с канатами",
        "Площадка для малышей с песочницей",
    ],
)
DECIDED = (
    "Пешеходный переход у поликлиники",
    "Чтобы попасть в поликлинику, жителям приходится перебегать дорогу с оживлённым движением.\n\n"
    "Просим сделать пешеходный переход.",
    "Инициатива поддержана. Предлагаем два решения; выберите одно.",
    ["Регулируемый переход со светофором", "Надземный пешеходный мост"],
    [
        ("Проект и согласование с ГИБДД", True),
        ("Разметка и установка светофора", True),
        ("Освещение перехода", False),
    ],
)
ARCHIVED = (
    "Фонтан на центральной площади",
    "Предлагаем построить на центральной площади фонтан с подсветкой.",
)


def _photo(color: tuple[int, int, int]) -> SimpleUploadedFile:
    """A small plain picture, standing in for a photo of the work."""
    out = io.BytesIO()
    Image.new("RGB", (320, 200), color).save(out, format="JPEG")
    return SimpleUploadedFile("work.jpg", out.getvalue(), content_type="image/jpeg")


def _published(
    municipality: Municipality, author: User, text: tuple[str, ...], supporters: list[User], at: datetime
) -> Initiative:
    """An initiative published at `at` and supported by `supporters`, one a day."""
    initiative = initiative_create(
        author=author, municipality=municipality, title=text[0], body=text[1], now=at
    )
    initiative = initiative_publish(author=author, initiative=initiative, now=at)
    supported: Initiative = endorsed_daily(RULES, initiative, supporters, at)
    return supported


def _accepted(
    initiative: Initiative, admin: User, answer: str, options: list[str], at: datetime
) -> Initiative:
    return initiative_accept(official=admin, initiative=initiative, answer=answer, options=options, now=at)


def _vote(initiative: Initiative, voters: list[User], at: datetime) -> None:
    """Each voter chooses an option, an hour apart, most of them the first one."""
    poll = initiative.poll
    if poll is None:
        return
    ids = list(poll.options.order_by("position").values_list("pk", flat=True))
    for hour, voter in enumerate(voters, start=1):
        choice = ids[0] if hour % 3 else ids[-1]
        poll_vote(user=voter, poll=poll, options=[choice], now=at + timedelta(hours=hour))


def _city(municipality: Municipality, admin: User, residents: list[User], now: datetime) -> bool:
    if municipality.slug in INFORMING_ONLY:
        return False  # its residents only report and appeal
    initiative_policy_save(
        actor=admin,
        municipality=municipality,
        support_days=SUPPORT_DAYS,
        threshold_kind=ThresholdKind.COUNT,
        support_threshold=THRESHOLD,
        support_percent=Decimal("1.00"),
        scope=Scope.MUNICIPALITY,
        answer_days=20,
        voting_days=14,
    )
    if len(residents) < THRESHOLD + 1:
        return False
    first, second, third, fourth = residents[0], residents[1], residents[2], residents[3]

    def others(author: User) -> list[User]:
        return [r for r in residents if r != author][:THRESHOLD]

    _published(municipality, first, COLLECTING, [second, third], now - timedelta(days=5))

    _published(municipality, second, AWAITING, others(second), now - timedelta(days=12))

    start = now - timedelta(days=30)
    voting = _published(municipality, third, VOTING[:2], others(third), start)
    voting = _accepted(voting, admin, VOTING[2], VOTING[3], now - timedelta(days=3))
    _vote(voting, residents[:4], now - timedelta(days=3))

    start = now - timedelta(days=150)
    decided = _published(municipality, fourth, DECIDED[:2], others(fourth), start)
    accepted_at = start + timedelta(days=20)
    decided = _accepted(decided, admin, DECIDED[2], DECIDED[3], accepted_at)
    _vote(decided, residents, accepted_at)
    decided_at = accepted_at + timedelta(days=15)
    decided = initiative_decide(official=admin, initiative=decided, now=decided_at)
    # Every step is planned first: the last one done marks the initiative implemented.
    planned = [
        (
            milestone_add(
                official=admin,
                initiative=decided,
                title=title,
                due=(decided_at + timedelta(days=30 * step)).date(),
                now=decided_at + timedelta(days=1),
            ),
            done,
        )
        for step, (title, done) in enumerate(DECIDED[4], start=1)
    ]
    for step, (milestone, done) in enumerate(planned, start=1):
        if done:
            milestone_complete(
                official=admin,
                milestone=milestone,
                photos=[_photo((90, 120 + 40 * step, 160))],
                now=decided_at + timedelta(days=25 * step),
            )

    archived = _published(municipality, first, ARCHIVED, [third], now - timedelta(days=SUPPORT_DAYS + 40))
    comment_in_moscow(
        RULES, archived, fourth, "Жаль, что не набрали поддержку. Может, предложить фонтан поменьше?"
    )
    return True


SAYS = (
    f"  5 initiatives in each of {{cities}} municipalities (threshold lowered to {THRESHOLD}), {{did}} "
    "archived; resident1 can support one in Moscow and vote on its open options"
)


def load(stdout: TextIO) -> None:
    load_in_each_city(
        stdout,
        Initiative,
        _city,
        residents=(MOSCOW_SUPPORTERS, RESIDENTS),
        then=initiatives_archive_expired,
        says=SAYS,
    )
