"""Demo municipalities: Moscow and nine regional cities, with their set-up and staff."""

from datetime import date
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from veche.accounts.models import User, Verification
from veche.municipalities.models import CalendarDay, Category, Department, District, Membership, Municipality

PASSWORD = "demo-password"  # noqa: S105 - the published demo password

# The regions of CITIES in English.
REGIONS_EN = {
    "Москва": "Moscow",
    "Санкт-Петербург": "Saint Petersburg",
    "Новосибирская область": "Novosibirsk Oblast",
    "Свердловская область": "Sverdlovsk Oblast",
    "Республика Татарстан": "Republic of Tatarstan",
    "Нижегородская область": "Nizhny Novgorod Oblast",
    "Челябинская область": "Chelyabinsk Oblast",
    "Самарская область": "Samara Oblast",
    "Тюменская область": "Tyumen Oblast",
    "Пермский край": "Perm Krai",
}

# The names of each city's staff: people's names, written as they are (in Russian) in both languages.
STAFF_NAMES = {
    "admin": "Ольга Смирнова",
    "moderator": "Пётр Кузнецов",
    "official": "Игорь Волков",
}

# slug, Russian name, English name, region (Russian), population, latitude, longitude, districts (ru, en)
CITIES: list[tuple[str, str, str, str, int, float, float, list[tuple[str, str]]]] = [
    (
        "moscow",
        "Москва",
        "Moscow",
        "Москва",
        13_149_803,
        55.7558,
        37.6173,
        [
            ("Центральный", "Central"),
            ("Северный", "Northern"),
            ("Северо-Восточный", "North-Eastern"),
            ("Восточный", "Eastern"),
            ("Юго-Восточный", "South-Eastern"),
            ("Южный", "Southern"),
            ("Юго-Западный", "South-Western"),
            ("Западный", "Western"),
            ("Северо-Западный", "North-Western"),
            ("Зеленоградский", "Zelenogradsky"),
            ("Новомосковский", "Novomoskovsky"),
            ("Троицкий", "Troitsky"),
        ],
    ),
    (
        "saint-petersburg",
        "Санкт-Петербург",
        "Saint Petersburg",
        "Санкт-Петербург",
        5_597_763,
        59.9386,
        30.3141,
        [
            ("Адмиралтейский", "Admiralteysky"),
            ("Василеостровский", "Vasileostrovsky"),
            ("Выборгский", "Vyborgsky"),
            ("Калининский", "Kalininsky"),
            ("Кировский", "Kirovsky"),
            ("Московский", "Moskovsky"),
            ("Невский", "Nevsky"),
            ("Петроградский", "Petrogradsky"),
            ("Приморский", "Primorsky"),
            ("Центральный", "Tsentralny"),
        ],
    ),
    (
        "novosibirsk",
        "Новосибирск",
        "Novosibirsk",
        "Новосибирская область",
        1_633_851,
        55.0302,
        82.9204,
        [
            ("Дзержинский", "Dzerzhinsky"),
            ("Железнодорожный", "Zheleznodorozhny"),
            ("Заельцовский", "Zayeltsovsky"),
            ("Калининский", "Kalininsky"),
            ("Кировский", "Kirovsky"),
            ("Ленинский", "Leninsky"),
            ("Октябрьский", "Oktyabrsky"),
            ("Советский", "Sovetsky"),
            ("Центральный", "Tsentralny"),
        ],
    ),
    (
        "yekaterinburg",
        "Екатеринбург",
        "Yekaterinburg",
        "Свердловская область",
        1_539_371,
        56.8389,
        60.6057,
        [
            ("Верх-Исетский", "Verkh-Isetsky"),
            ("Железнодорожный", "Zheleznodorozhny"),
            ("Кировский", "Kirovsky"),
            ("Ленинский", "Leninsky"),
            ("Октябрьский", "Oktyabrsky"),
            ("Орджоникидзевский", "Ordzhonikidzevsky"),
            ("Чкаловский", "Chkalovsky"),
            ("Академический", "Akademichesky"),
        ],
    ),
    (
        "kazan",
        "Казань",
        "Kazan",
        "Республика Татарстан",
        1_318_604,
        55.7961,
        49.1064,
        [
            ("Авиастроительный", "Aviastroitelny"),
            ("Вахитовский", "Vakhitovsky"),
            ("Кировский", "Kirovsky"),
            ("Московский", "Moskovsky"),
            ("Ново-Савиновский", "Novo-Savinovsky"),
            ("Приволжский", "Privolzhsky"),
            ("Советский", "Sovetsky"),
        ],
    ),
    (
        "nizhny-novgorod",
        "Нижний Новгород",
        "Nizhny Novgorod",
        "Нижегородская область",
        1_204_985,
        56.3269,
        44.0059,
        [
            ("Автозаводский", "Avtozavodsky"),
            ("Канавинский", "Kanavinsky"),
            ("Ленинский", "Leninsky"),
            ("Московский", "Moskovsky"),
            ("Нижегородский", "Nizhegorodsky"),
            ("Приокский", "Priroksky"),
            ("Советский", "Sovetsky"),
            ("Сормовский", "Sormovsky"),
        ],
    ),
    (
        "chelyabinsk",
        "Челябинск",
        "Chelyabinsk",
        "Челябинская область",
        1_177_058,
        55.1644,
        61.4368,
        [
            ("Калининский", "Kalininsky"),
            ("Курчатовский", "Kurchatovsky"),
            ("Ленинский", "Leninsky"),
            ("Металлургический", "Metallurgichesky"),
            ("Советский", "Sovetsky"),
            ("Тракторозаводский", "Traktorozavodsky"),
            ("Центральный", "Tsentralny"),
        ],
    ),
    (
        "samara",
        "Самара",
        "Samara",
        "Самарская область",
        1_158_952,
        53.1959,
        50.1002,
        [
            ("Железнодорожный", "Zheleznodorozhny"),
            ("Кировский", "Kirovsky"),
            ("Красноглинский", "Krasnoglinsky"),
            ("Куйбышевский", "Kuibyshevsky"),
            ("Ленинский", "Leninsky"),
            ("Октябрьский", "Oktyabrsky"),
            ("Промышленный", "Promyshlenny"),
            ("Самарский", "Samarsky"),
            ("Советский", "Sovetsky"),
        ],
    ),
    (
        "tyumen",
        "Тюмень",
        "Tyumen",
        "Тюменская область",
        855_618,
        57.1522,
        65.5272,
        [
            ("Восточный", "Vostochny"),
            ("Калининский", "Kalininsky"),
            ("Ленинский", "Leninsky"),
            ("Центральный", "Tsentralny"),
        ],
    ),
    (
        "perm",
        "Пермь",
        "Perm",
        "Пермский край",
        1_026_908,
        58.0105,
        56.2502,
        [
            ("Дзержинский", "Dzerzhinsky"),
            ("Индустриальный", "Industrialny"),
            ("Кировский", "Kirovsky"),
            ("Ленинский", "Leninsky"),
            ("Мотовилихинский", "Motovilikhinsky"),
            ("Орджоникидзевский", "Ordzhonikidzevsky"),
            ("Свердловский", "Sverdlovsky"),
        ],
    ),
]

# The cities whose residents, in the demo, only report and appeal: the participation demos give them
# no polls, initiatives, budgets or crowd projects (the research's model 3; docs/analytics.md, "Demo").
INFORMING_ONLY = ("chelyabinsk", "tyumen", "perm")

# key, Russian name, English name
DEPARTMENTS = [
    ("roads", "Департамент транспорта и дорог", "Department of Transport and Roads"),
    ("housing", "Департамент ЖКХ", "Department of Housing and Utilities"),
    ("environment", "Департамент природопользования", "Department of Environment"),
    ("improvement", "Департамент благоустройства", "Department of Public Spaces"),
    ("trade", "Департамент торговли и услуг", "Department of Trade and Services"),
]

# slug, Russian name, English name, department key, moderation days, answer days, photo required, season
CATEGORIES = [
    ("pothole", "Яма на дороге", "Pothole in the road", "roads", 1, 8, True, None),
    ("road-sign", "Повреждённый дорожный знак", "Damaged road sign", "roads", 1, 8, True, None),
    ("traffic-light", "Неисправный светофор", "Broken traffic light", "roads", 1, 3, False, None),
    ("street-light", "Не горит уличное освещение", "Street light out", "improvement", 1, 5, False, None),
    ("rubbish", "Не вывезен мусор", "Rubbish not collected", "housing", 1, 3, True, None),
    ("snow", "Не убран снег или наледь", "Snow or ice not cleared", "housing", 1, 2, True, (11, 3)),
    ("yard", "Неисправности во дворе", "Problems in the courtyard", "improvement", 1, 8, True, None),
    ("playground", "Сломана детская площадка", "Broken playground", "improvement", 1, 8, True, None),
    ("heating", "Нет отопления", "No heating", "housing", 1, 2, False, (10, 4)),
    ("water", "Нет воды или протечка", "No water or a leak", "housing", 1, 2, False, None),
    ("grass", "Не скошена трава", "Grass not mowed", "environment", 1, 8, True, (5, 9)),
    ("trees", "Аварийное дерево", "Dangerous tree", "environment", 1, 8, True, None),
    ("illegal-trade", "Незаконная торговля", "Illegal street trade", "trade", 2, 10, True, None),
]

# Fixed public holidays of the Russian Federation (Labour Code art. 112).
HOLIDAYS = [((1, d), "Новогодние каникулы") for d in range(1, 9)] + [
    ((2, 23), "День защитника Отечества"),
    ((3, 8), "Международный женский день"),
    ((5, 1), "Праздник Весны и Труда"),
    ((5, 9), "День Победы"),
    ((6, 12), "День России"),
    ((11, 4), "День народного единства"),
]


# Rough boundaries (south, west, north, east), so that the demo refuses a report placed in another
# city; a city not named here gets a box around its centre wide enough for the demo's reports.
BOUNDS = {
    "moscow": (55.14, 36.80, 56.02, 37.97),
    "saint-petersburg": (59.63, 29.42, 60.25, 30.76),
}
HALF_BOX = (0.2, 0.35)


def rough_boundary(slug: str, lat: float, lon: float) -> dict[str, Any]:
    """A GeoJSON Polygon: the box of BOUNDS, or HALF_BOX around the centre."""
    south, west, north, east = BOUNDS.get(
        slug, (lat - HALF_BOX[0], lon - HALF_BOX[1], lat + HALF_BOX[0], lon + HALF_BOX[1])
    )
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _user(username: str, password_hash: str, *, email_confirmed: bool = True, **extra: Any) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        # Demo addresses are not real: no e-mail notices for them.
        defaults={
            "email": f"{username}@demo.veche.local",
            "password": password_hash,
            "email_notifications": False,
            "email_confirmed_at": timezone.now() if email_confirmed else None,
            **extra,
        },
    )
    return user


def verified_residents(
    municipality: Municipality, password_hash: str, *, moscow: list[str], count: int = 6
) -> list[User]:
    """Verified residents who sign, support and vote: Moscow's are the demo's own (`moscow`, by
    username); elsewhere the city's official verifies `count` residents in person."""
    from veche.accounts.services import verification_in_person

    if municipality.slug == "moscow":
        return list(User.objects.filter(username__in=moscow).order_by("username"))
    official = User.objects.get(username=f"{municipality.slug}-official")
    district = municipality.districts.order_by("pk").first()
    residents = []
    for i in range(1, count + 1):
        resident, _created = User.objects.get_or_create(
            username=f"{municipality.slug}-resident{i}",
            defaults={
                "email": f"{municipality.slug}-resident{i}@demo.veche.local",
                "password": password_hash,
                "email_notifications": False,
                "email_confirmed_at": timezone.now(),
            },
        )
        if (
            district is not None
            and not Verification.objects.filter(user=resident, municipality=municipality).exists()
        ):
            verification_in_person(
                official=official, resident=resident, municipality=municipality, district=district
            )
        residents.append(resident)
    return residents


def load(stdout: TextIO) -> None:
    if Municipality.objects.filter(slug="moscow").exists():
        stdout.write("  municipalities already loaded")
        return
    password_hash = make_password(PASSWORD)
    _user("admin", password_hash, is_superuser=True, is_staff=True, display_name="Администратор платформы")
    year = timezone.localdate().year
    for slug, name, name_en, region, population, lat, lon, districts in CITIES:
        municipality = Municipality.objects.create(
            slug=slug,
            name_ru=name,
            name_en=name_en,
            region_ru=region,
            region_en=REGIONS_EN[region],
            population=population,
            latitude=lat,
            longitude=lon,
            boundary=rough_boundary(slug, lat, lon),
        )
        district_objs = [
            District.objects.create(municipality=municipality, name_ru=ru, name_en=en, slug=f"d{i + 1}")
            for i, (ru, en) in enumerate(districts)
        ]
        departments = {
            key: Department.objects.create(
                municipality=municipality, name_ru=ru, name_en=en, email=f"{key}@{slug}.demo.veche.local"
            )
            for key, ru, en in DEPARTMENTS
        }
        Category.objects.bulk_create(
            [
                Category(
                    municipality=municipality,
                    slug=c_slug,
                    name_ru=ru,
                    name_en=en,
                    department=departments[dep],
                    moderation_days=mod,
                    answer_days=answer,
                    photo_required=photo,
                    season_start=season[0] if season else None,
                    season_end=season[1] if season else None,
                )
                for c_slug, ru, en, dep, mod, answer, photo, season in CATEGORIES
            ]
        )
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(municipality=municipality, date=date(y, m, d), name=holiday)
                for y in (year - 1, year, year + 1)
                for (m, d), holiday in HOLIDAYS
            ]
        )
        staff = [
            (f"{slug}-admin", Membership.Role.ADMIN, None),
            (f"{slug}-moderator", Membership.Role.MODERATOR, None),
            (f"{slug}-official", Membership.Role.OFFICIAL, departments["roads"]),
        ]
        for username, role, department in staff:
            user = _user(username, password_hash, display_name=STAFF_NAMES[role])
            Membership.objects.create(user=user, municipality=municipality, role=role, department=department)
        if slug == "moscow":
            resident1 = _user("resident1", password_hash, display_name="Анна Иванова")
            Verification.objects.create(
                user=resident1,
                municipality=municipality,
                district=district_objs[0],
                provider=Verification.Provider.IN_PERSON,
            )
            _user("resident2", password_hash, display_name="Boris Petrov", language="en")
            for i in range(3, 11):
                resident = _user(f"resident{i}", password_hash)
                Verification.objects.create(
                    user=resident,
                    municipality=municipality,
                    district=district_objs[i % len(district_objs)],
                    provider=Verification.Provider.CODE_LETTER,
                )
    stdout.write(f"  {len(CITIES)} municipalities with districts, departments, categories and staff")


LOGINS = [
    ("admin", "platform admin (Django admin at /admin/)"),
    ("resident1", "verified resident of Moscow"),
    ("resident2", "registered, not verified"),
    ("moscow-admin", "municipal admin of Moscow"),
    ("moscow-moderator", "moderator of Moscow"),
    ("moscow-official", "official of Moscow's Department of Transport and Roads"),
    ("<city>-admin / -moderator / -official", "the same roles in every other city"),
]


def print_logins(stdout: TextIO) -> None:
    stdout.write(f"\nDemo logins (password for all: {PASSWORD}):")
    for login, what in LOGINS:
        stdout.write(f"  {login:<40} {what}")
