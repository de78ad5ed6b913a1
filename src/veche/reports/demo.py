"""Demo reports: a few hundred per municipality over two years, in every state of the lifecycle."""

import io
import random
from datetime import datetime, timedelta
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from veche.accounts.models import User
from veche.municipalities.models import Membership, Municipality
from veche.reports import services
from veche.reports.models import Report

PER_MUNICIPALITY = 250
DESCRIPTIONS = {
    "pothole": [
        "Глубокая яма на проезжей части, машины объезжают по встречной.",
        "Провал асфальта у пешеходного перехода, после дождя не видно глубины.",
    ],
    "road-sign": [
        "Знак «Пешеходный переход» повалили, лежит на газоне.",
        "Знак закрыт ветками, его не видно.",
    ],
    "traffic-light": ["Светофор мигает жёлтым уже третий день.", "Не работает пешеходная секция светофора."],
    "street-light": [
        "Во дворе не горят три фонаря подряд, очень темно вечером.",
        "Фонарь у остановки не горит вторую неделю.",
    ],
    "rubbish": [
        "Контейнерная площадка переполнена, мусор не вывозили неделю.",
        "Рядом с домом свалка строительного мусора.",
    ],
    "snow": ["Тротуар не почищен, сплошная наледь.", "Снег с дороги сгребли на пешеходный переход."],
    "yard": ["Во дворе разбита лавочка и сломана урна.", "Ограждение газона повалено."],
    "playground": [
        "На детской площадке сломаны качели, торчат болты.",
        "Горка треснула, дети могут пораниться.",
    ],
    "heating": ["В подъезде холодные батареи.", "Нет отопления во всём доме."],
    "water": ["Из люка на улице течёт вода.", "Нет горячей воды с утра."],
    "grass": ["Трава во дворе выше колена.", "Газон у школы давно не косили."],
    "trees": ["Сухое дерево наклонилось над детской площадкой.", "Крупная ветка висит над тротуаром."],
    "illegal-trade": ["Торговля с машины у метро без разрешения.", "Незаконный рынок на тротуаре."],
}
STREETS = ["Ленина", "Мира", "Садовая", "Школьная", "Гагарина"]
ANSWERS = [
    "Работы выполнены, спасибо за обращение.",
    "Неисправность устранена подрядной организацией.",
    "Выполнен ремонт, проверено на месте.",
]
REJECTIONS = [
    "Территория не относится к ведению города, обращение передано собственнику.",
    "Работы запланированы на следующий сезон в рамках программы благоустройства.",
]


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (96, 64), (90, 140, 90)).save(out, format="JPEG")
    return SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")


def _residents(municipality: Municipality, password_hash: str) -> list[User]:
    users = []
    for i in range(1, 9):
        user, _created = User.objects.get_or_create(
            username=f"{municipality.slug}-resident{i}",
            defaults={
                "email": f"{municipality.slug}-resident{i}@demo.veche.local",
                "password": password_hash,
                "email_confirmed_at": timezone.now(),
                "email_notifications": False,
            },
        )
        users.append(user)
    return users


def _staff(municipality: Municipality, role: str) -> User:
    return User.objects.get(memberships__municipality=municipality, memberships__role=role)


def load(stdout: TextIO) -> None:
    if Report.objects.exists():
        stdout.write("  reports already loaded")
        return
    rng = random.Random(20261126)  # the same demo every time
    # Its own sequence, so that the districts leave every other choice of the demo as it was.
    district_rng = random.Random(20261207)
    password_hash = make_password("demo-password")
    now = timezone.now()
    total = 0
    for municipality in Municipality.objects.order_by("pk"):
        moderator = _staff(municipality, Membership.Role.MODERATOR)
        admin = _staff(municipality, Membership.Role.ADMIN)  # handles every department's reports
        residents = _residents(municipality, password_hash)
        categories = list(municipality.categories.select_related("department"))
        departments = list(municipality.departments.all())
        districts = list(municipality.districts.order_by("pk"))
        for _i in range(PER_MUNICIPALITY):
            age = rng.random() ** 1.6 * 730  # more recent reports than old ones
            created = now - timedelta(days=age, minutes=rng.randint(0, 600))
            category = rng.choice([c for c in categories if c.in_season(timezone.localdate(created).month)])
            author = rng.choice(residents)
            report = services.report_submit(
                author=author,
                municipality=municipality,
                category=category,
                district=district_rng.choice(districts) if districts else None,
                latitude=municipality.latitude + rng.uniform(-0.07, 0.07),
                longitude=municipality.longitude + rng.uniform(-0.12, 0.12),
                description=rng.choice(DESCRIPTIONS.get(category.slug, ["Проблема во дворе."])),
                address=f"ул. {rng.choice(STREETS)}, {rng.randint(1, 120)}",
                photos=[_photo()] if category.photo_required else [],
                now=created,
            )
            total += 1
            step = created
            fate = rng.random()

            def later(days: float) -> datetime:
                nonlocal step
                step = min(now, step + timedelta(days=days, hours=rng.randint(1, 8)))
                return step

            if age < 1 and fate < 0.6:
                continue  # still waiting for moderation
            if fate < 0.05:
                services.report_decline(
                    moderator=moderator,
                    report=report,
                    now=later(0.5),
                    reason="Обращение не содержит описания проблемы в ведении города.",
                )
                continue
            report = services.report_moderate(moderator=moderator, report=report, now=later(0.3))
            if rng.random() < 0.05:
                report = services.report_reassign(
                    official=admin,
                    report=report,
                    department=rng.choice([d for d in departments if d.pk != report.department_id]),
                    reason="Передано по подведомственности.",
                    now=later(1),
                )
            # Young reports, and a share of old ones (the overdue cases), are still being worked on.
            if age < 12 or fate > 0.93:
                if rng.random() < 0.6:
                    services.report_start(official=admin, report=report, now=later(1))
                continue
            services.report_start(official=admin, report=report, now=later(1))
            if rng.random() < 0.85:
                report = services.report_resolve(
                    official=admin,
                    report=report,
                    answer=rng.choice(ANSWERS),
                    photos=[_photo()],
                    now=later(rng.uniform(1, 9)),
                )
            else:
                report = services.report_reject(
                    official=admin, report=report, reason=rng.choice(REJECTIONS), now=later(rng.uniform(1, 9))
                )
            if (now - step).days < 15:
                continue  # the author may still confirm or dispute
            choice = rng.random()
            if choice < 0.1:
                report = services.report_dispute(
                    author=author,
                    report=report,
                    now=later(3),
                    reason="Проблема не решена, всё осталось как было.",
                )
                if rng.random() < 0.5 and (now - step).days > 20:
                    report = services.report_resolve(
                        official=admin,
                        report=report,
                        answer=rng.choice(ANSWERS),
                        photos=[_photo()],
                        now=later(5),
                    )
                    services.report_confirm(author=author, report=report, now=later(2))
            elif choice < 0.55:
                services.report_confirm(author=author, report=report, now=later(rng.uniform(0, 10)))
        services.reports_close_unconfirmed(now=now)
        services.reports_escalate_overdue(now=now)
    services.reports_map_advance(now=now)
    stdout.write(f"  {total} reports in all states, with answers, disputes and overdue cases")
