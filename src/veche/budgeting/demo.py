"""Demo participatory budgeting, made through the services like any real process.

Moscow: a city-wide knapsack budget in the voting phase with twelve feasible projects (and two
found not feasible), plus a budget for the Central district; other residents have voted, and
resident1 (verified in the Central district) has not, so they may vote on both. A second Moscow
process collects proposals. Saint Petersburg (or the first other city): a process whose ballots,
cast by demo residents and imported from paper, were counted with the Method of Equal Shares
and Add1, its results published.
"""

import random
from datetime import datetime, timedelta
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from veche.accounts.models import User, Verification
from veche.accounts.services import verification_in_person
from veche.budgeting.models import BallotKind, Budget, Process, Proposal, Rule, TieBreaking, Utilities
from veche.budgeting.services.ballots import ballot_cast
from veche.budgeting.services.counting import budget_count
from veche.budgeting.services.paper import paper_ballots_import
from veche.budgeting.services.proposals import proposal_review, proposal_submit
from veche.budgeting.services.setup import (
    Settings,
    budget_save,
    process_create,
    process_move,
    process_schedule,
)
from veche.municipalities.demo import PASSWORD
from veche.municipalities.models import Municipality

# Title, description, estimated cost, and the reviewed cost (or the reasons it is not feasible).
MOSCOW_CITY: list[tuple[str, str, int, int | str]] = [
    (
        "Велодорожка вдоль Яузы",
        "Непрерывная велодорожка от Сокольников до Таганки, 11 км.",
        17_500_000,
        18_000_000,
    ),
    (
        "Новые детские площадки в парках",
        "Шесть площадок с безопасным покрытием в городских парках.",
        9_000_000,
        9_500_000,
    ),
    (
        "Освещение пешеходных маршрутов",
        "Фонари вдоль тропинок, по которым ходят к метро.",
        6_000_000,
        6_200_000,
    ),
    (
        "Общественные туалеты в парках",
        "Двенадцать модульных туалетов, доступных для колясок.",
        7_500_000,
        7_800_000,
    ),
    (
        "Тысяча новых деревьев",
        "Посадка крупномерных деревьев вдоль вылетных магистралей.",
        12_000_000,
        12_000_000,
    ),
    ("Скейт-парк в Лужниках", "Бетонный скейт-парк с зоной для новичков.", 14_000_000, 15_000_000),
    ("Пандусы у подземных переходов", "Пандусы и подъёмники у двадцати переходов.", 8_400_000, 8_400_000),
    ("Библиотеки до полуночи", "Продлённые часы работы десяти библиотек.", 4_300_000, 4_300_000),
    ("Фонтанчики с питьевой водой", "Сорок фонтанчиков на бульварах и в парках.", 3_000_000, 3_100_000),
    ("Велопарковки у станций метро", "Крытые велопарковки у тридцати станций.", 2_600_000, 2_600_000),
    (
        "Летние читальные залы в скверах",
        "Открытые читальные залы с книгами и шезлонгами.",
        5_500_000,
        5_500_000,
    ),
    ("Навигация для незрячих на вокзалах", "Тактильные дорожки и звуковые маяки.", 9_900_000, 9_900_000),
    (
        "Канатная дорога через Москву-реку",
        "Канатная дорога от Воробьёвых гор до Лужников.",
        55_000_000,
        "Такая дорога уже построена; на её продление не хватит бюджета программы.",
    ),
    (
        "Бесплатная парковка в центре",
        "Отменить плату за парковку в пределах Садового кольца.",
        1_000_000,
        "Это не проект благоустройства: тарифы на парковку устанавливает правительство Москвы.",
    ),
]
MOSCOW_CENTRAL: list[tuple[str, str, int, int | str]] = [
    ("Скамейки на Тверском бульваре", "Тридцать новых скамеек со спинками.", 1_200_000, 1_200_000),
    ("Цветники у Чистых прудов", "Многолетние цветники вокруг пруда.", 2_400_000, 2_400_000),
    ("Детская площадка на Покровке", "Площадка во дворе домов 17–19.", 3_500_000, 3_600_000),
    ("Велопарковки у Китай-города", "Три велопарковки у выходов метро.", 900_000, 900_000),
]
# Ballots of the other Moscow residents on the city budget: positions in MOSCOW_CITY (1-based),
# each within the 60 million roubles of the knapsack.
MOSCOW_BALLOTS = [
    [1, 3, 9, 10],
    [2, 4, 8],
    [5, 9, 11, 12],
    [1, 2, 5],
    [6, 10],
    [7, 12, 3],
    [2, 3, 8, 11],
    [5, 1],
]

CITY: list[tuple[str, str, int, int | str]] = [
    ("Ремонт набережной", "Новое покрытие и ограждение набережной.", 4_500_000, 4_500_000),
    ("Детская площадка у школы № 5", "Площадка для детей от 3 до 12 лет.", 1_250_000, 1_250_000),
    ("Велодорожки в центре", "Выделенные велополосы на трёх улицах.", 3_000_000, 3_000_000),
    ("Освещение парков", "Фонари в двух парках и на аллеях.", 1_500_000, 1_500_000),
    ("Коворкинг в библиотеке", "Рабочие места, Wi-Fi и переговорная.", 750_000, 750_000),
    ("Сквер у вокзала", "Газоны, деревья и скамейки на пустыре.", 2_000_000, 2_000_000),
    ("Спортплощадка во дворах", "Площадка для футбола и баскетбола.", 1_000_000, 1_000_000),
    ("Уличные тренажёры", "Тренажёры вдоль набережной.", 400_000, 400_000),
    ("Светомузыкальный фонтан", "Фонтан на центральной площади.", 3_500_000, 3_500_000),
    ("Скамейки и урны", "Сто скамеек и урн на остановках.", 300_000, 300_000),
]
# Web ballots in that city, cycled over its demo residents: positions in CITY.
CITY_BALLOTS = [[1, 3, 4], [1, 9], [2, 7, 8], [2, 5, 10], [3, 6], [4, 8, 10], [5, 6, 7], [1, 4, 6]]
CITY_VOTERS = 24
# Paper ballots counted at polling stations: how likely each project is to be ticked on one.
PAPER_BALLOTS = 1976
PAPER_POPULARITY = [0.45, 0.35, 0.30, 0.28, 0.22, 0.25, 0.20, 0.18, 0.15, 0.12]


def _settings(kind: str, most: int | None) -> Settings:
    return Settings(
        ballot_kind=kind,
        min_projects=1,
        max_projects=most,
        points_total=None,
        rule=Rule.MES_ADD1,
        utilities=Utilities.COST,
        tie_breaking=TieBreaking.LEXICOGRAPHIC,
        tier=2,
    )


def _propose(
    process: Process,
    budget: Budget,
    authors: list[User],
    projects: list[tuple[str, str, int, int | str]],
    at: datetime,
) -> list[Proposal]:
    return [
        proposal_submit(
            author=authors[i % len(authors)],
            process=process,
            budget=budget,
            title=title,
            description=description,
            estimated_cost=estimate,
            now=at + timedelta(hours=i),
        )
        for i, (title, description, estimate, _review) in enumerate(projects)
    ]


def _review(
    official: User, proposals: list[Proposal], projects: list[tuple[str, str, int, int | str]], at: datetime
) -> list[Proposal]:
    """The reviewed proposals that are feasible, in the order given."""
    feasible = []
    for i, (proposal, (_title, _description, _estimate, review)) in enumerate(
        zip(proposals, projects, strict=True)
    ):
        if isinstance(review, int):
            feasible.append(
                proposal_review(
                    reviewer=official,
                    proposal=proposal,
                    feasible=True,
                    cost=review,
                    reasons="",
                    now=at + timedelta(hours=i),
                )
            )
        else:
            proposal_review(
                reviewer=official,
                proposal=proposal,
                feasible=False,
                cost=None,
                reasons=review,
                now=at + timedelta(hours=i),
            )
    return feasible


def _moscow(municipality: Municipality, now: datetime) -> None:
    admin = User.objects.get(username="moscow-admin")
    official = User.objects.get(username="moscow-official")
    resident1 = User.objects.get(username="resident1")
    others = list(
        User.objects.filter(
            username__in=[f"resident{i}" for i in range(3, 11)], verifications__municipality=municipality
        ).order_by("pk")
    )
    central = municipality.districts.get(slug="d1")
    start = now - timedelta(days=30)
    process = process_create(
        actor=admin,
        municipality=municipality,
        title="Народный бюджет Москвы",
        description=(
            "Город отдаёт **60 миллионов рублей** на проекты жителей, а Центральный округ — ещё "
            "6 миллионов на свои. Выберите проекты, которые поместятся в бюджет: итоговая сумма "
            "считается на странице бюллетеня. Победителей определит метод равных долей."
        ),
        settings_=_settings(BallotKind.KNAPSACK, None),
        amount=60_000_000,
        now=start,
    )
    city = process.budgets.get()
    district = budget_save(actor=admin, process=process, district=central, amount=6_000_000)
    process = process_move(actor=admin, process=process, to="proposals", now=start + timedelta(days=1))
    city_proposals = _propose(process, city, others + [resident1], MOSCOW_CITY, start + timedelta(days=2))
    central_proposals = _propose(process, district, [resident1], MOSCOW_CENTRAL, start + timedelta(days=3))
    process = process_move(actor=admin, process=process, to="review", now=start + timedelta(days=14))
    feasible = _review(official, city_proposals, MOSCOW_CITY, start + timedelta(days=15))
    _review(official, central_proposals, MOSCOW_CENTRAL, start + timedelta(days=16))
    process = process_move(actor=admin, process=process, to="voting", now=start + timedelta(days=20))
    process = process_schedule(
        actor=admin,
        process=process,
        dates={
            "proposals_opens_at": start + timedelta(days=1),
            "proposals_closes_at": start + timedelta(days=14),
            "voting_opens_at": start + timedelta(days=20),
            "voting_closes_at": now + timedelta(days=10),
            "results_at": now + timedelta(days=14),
        },
    )
    city.process = process
    for hour, (voter, positions) in enumerate(zip(others, MOSCOW_BALLOTS, strict=False), start=1):
        ballot_cast(
            user=voter,
            budget=city,
            choices=[{"proposal": feasible[p - 1].pk} for p in positions],
            now=start + timedelta(days=21, hours=hour),
        )
    ideas = process_create(
        actor=admin,
        municipality=municipality,
        title="Идеи для дворов",
        description="Предложите, что сделать в вашем дворе. Каждый бюллетень — до трёх проектов.",
        settings_=_settings(BallotKind.APPROVAL, 3),
        amount=20_000_000,
        now=now - timedelta(days=3),
    )
    ideas = process_move(actor=admin, process=ideas, to="proposals", now=now - timedelta(days=2))
    process_schedule(
        actor=admin,
        process=ideas,
        dates={
            "proposals_opens_at": now - timedelta(days=2),
            "proposals_closes_at": now + timedelta(days=19),
            "voting_opens_at": now + timedelta(days=26),
            "voting_closes_at": now + timedelta(days=40),
        },
    )


def _voters(municipality: Municipality, official: User) -> list[User]:
    """The city's verified demo residents, topped up to CITY_VOTERS across its districts."""
    districts = list(municipality.districts.order_by("pk"))
    password_hash = make_password(PASSWORD)
    voters = []
    for i in range(1, CITY_VOTERS + 1):
        resident, _created = User.objects.get_or_create(
            username=f"{municipality.slug}-resident{i}",
            defaults={
                "email": f"{municipality.slug}-resident{i}@demo.veche.local",
                "password": password_hash,
                "email_notifications": False,
                "email_confirmed_at": timezone.now(),
            },
        )
        if districts and not Verification.objects.filter(user=resident, municipality=municipality).exists():
            verification_in_person(
                official=official,
                resident=resident,
                municipality=municipality,
                district=districts[i % len(districts)],
            )
        voters.append(resident)
    return voters


def _paper_ballots(feasible: list[Proposal]) -> bytes:
    """A CSV of paper ballots, each ticking each project with its popularity (at most four)."""
    chooser = random.Random(2025)
    lines = ["voter_id;vote"]
    for number in range(1, PAPER_BALLOTS + 1):
        ticked = [
            p.project_id
            for p, share in zip(feasible, PAPER_POPULARITY, strict=True)
            if chooser.random() < share
        ]
        ticked = ticked[:4] or [chooser.choice(feasible).project_id]
        lines.append(f"П-{number:05d};{','.join(ticked)}")
    return ("\n".join(lines) + "\n").encode()


def _counted(municipality: Municipality, now: datetime) -> None:
    admin = User.objects.get(username=f"{municipality.slug}-admin")
    official = User.objects.get(username=f"{municipality.slug}-official")
    voters = _voters(municipality, official)
    start = now - timedelta(days=90)
    process = process_create(
        actor=admin,
        municipality=municipality,
        title="Бюджет инициатив горожан",
        description=(
            "10 миллионов рублей на проекты жителей. Каждый мог выбрать до четырёх проектов на сайте или "
            "на бумажном бюллетене; голоса посчитаны методом равных долей с дополнением Add1."
        ),
        settings_=_settings(BallotKind.APPROVAL, 4),
        amount=10_000_000,
        now=start,
    )
    budget = process.budgets.get()
    process = process_move(actor=admin, process=process, to="proposals", now=start + timedelta(days=1))
    proposals = _propose(process, budget, voters, CITY, start + timedelta(days=2))
    process = process_move(actor=admin, process=process, to="review", now=start + timedelta(days=20))
    feasible = _review(official, proposals, CITY, start + timedelta(days=21))
    process = process_move(actor=admin, process=process, to="voting", now=start + timedelta(days=30))
    budget.process = process
    for i, voter in enumerate(voters):
        positions = CITY_BALLOTS[i % len(CITY_BALLOTS)]
        ballot_cast(
            user=voter,
            budget=budget,
            choices=[{"proposal": feasible[p - 1].pk} for p in positions],
            now=start + timedelta(days=31, hours=i),
        )
    process = process_move(actor=admin, process=process, to="counting", now=start + timedelta(days=45))
    budget.process = process
    paper_ballots_import(
        actor=official,
        budget=budget,
        content=_paper_ballots(feasible),
        filename="участки-1-12.csv",
        now=start + timedelta(days=45, hours=6),
    )
    # Many ballots keep the Add1 completion short: it raises each share one rouble at a time.
    budget_count(actor=official, budget=budget, rule=Rule.MES_ADD1, now=start + timedelta(days=46))
    process = process_move(actor=admin, process=process, to="results", now=start + timedelta(days=47))
    process_schedule(
        actor=admin,
        process=process,
        dates={
            "proposals_opens_at": start + timedelta(days=1),
            "proposals_closes_at": start + timedelta(days=20),
            "voting_opens_at": start + timedelta(days=30),
            "voting_closes_at": start + timedelta(days=45),
            "results_at": start + timedelta(days=47),
        },
    )


def load(stdout: TextIO) -> None:
    if Process.objects.exists():
        stdout.write("  budgeting already loaded")
        return
    now = timezone.now()
    moscow = Municipality.objects.filter(slug="moscow").first()
    if moscow is not None:
        _moscow(moscow, now)
    other = (
        Municipality.objects.filter(is_active=True, slug="saint-petersburg").first()
        or Municipality.objects.filter(is_active=True).exclude(slug="moscow").order_by("pk").first()
    )
    if other is not None and User.objects.filter(username=f"{other.slug}-admin").exists():
        _counted(other, now)
    stdout.write(
        "  Moscow: a city and a Central-district budget in voting (resident1 has not voted), a process "
        f"collecting proposals; {other.slug if other else '—'}: a counted process with published results"
    )
