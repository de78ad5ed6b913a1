"""Fixtures shared by every test suite: a municipality with its set-up, and people of every role."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from veche.accounts.models import User, Verification
from veche.accounts.services import api_token_create
from veche.accounts.verification.backends import LocmemBackend
from veche.municipalities.models import Category, Department, District, Membership, Municipality

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _clean_code_outbox() -> None:
    LocmemBackend.outbox.clear()


def build_municipality(
    slug: str = "testgrad", name: str = "Тестоград", name_en: str = "Testgrad"
) -> Municipality:
    municipality = Municipality.objects.create(
        slug=slug, name=name, name_en=name_en, region="Тестовая область"
    )
    for i, (ru, en) in enumerate([("Центральный", "Central"), ("Северный", "Northern")], start=1):
        District.objects.create(municipality=municipality, name=ru, name_en=en, slug=f"d{i}")
    roads = Department.objects.create(municipality=municipality, name="Дороги", name_en="Roads")
    Category.objects.create(
        municipality=municipality,
        department=roads,
        slug="pothole",
        name="Яма",
        name_en="Pothole",
        answer_days=8,
        photo_required=True,
    )
    return municipality


@pytest.fixture
def municipality(db: None) -> Municipality:
    return build_municipality()


@pytest.fixture
def other_municipality(db: None) -> Municipality:
    return build_municipality("drugograd", "Другоград", "Otherburg")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(
        username: str,
        *,
        confirmed: bool = True,
        verified_in: Municipality | None = None,
        role: str | None = None,
        municipality: Municipality | None = None,
        superuser: bool = False,
        **extra: Any,
    ) -> User:
        user = User(
            username=username,
            email=f"{username}@example.org",
            is_superuser=superuser,
            is_staff=superuser,
            email_confirmed_at=timezone.now() if confirmed else None,
            **extra,
        )
        user.set_password(PASSWORD)
        user.save()
        if verified_in is not None:
            Verification.objects.create(
                user=user,
                municipality=verified_in,
                district=verified_in.districts.first(),
                provider=Verification.Provider.IN_PERSON,
            )
        if role is not None:
            assert municipality is not None
            department = municipality.departments.first() if role == Membership.Role.OFFICIAL else None
            Membership.objects.create(user=user, municipality=municipality, role=role, department=department)
        return user

    return make


@pytest.fixture
def resident(make_user: Callable[..., User]) -> User:
    return make_user("resident")


@pytest.fixture
def verified_resident(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("verified", verified_in=municipality)


@pytest.fixture
def moderator(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("moderator", role=Membership.Role.MODERATOR, municipality=municipality)


@pytest.fixture
def official(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("official", role=Membership.Role.OFFICIAL, municipality=municipality)


@pytest.fixture
def municipal_admin(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("cityadmin", role=Membership.Role.ADMIN, municipality=municipality)


@pytest.fixture
def platform_admin(make_user: Callable[..., User]) -> User:
    return make_user("root", superuser=True)


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    """A browser-like client signed in as `user` (or anonymous); CSRF is tested separately."""

    def build(user: User | None) -> Client:
        client = Client(enforce_csrf_checks=False)
        if user is not None:
            client.force_login(user)
        return client

    return build


@pytest.fixture
def api_for() -> Callable[[User], Client]:
    """An API client that sends `Authorization: Bearer <token>` for `user`."""

    def build(user: User) -> Client:
        _token, secret = api_token_create(user=user, name="test")
        return Client(headers={"authorization": f"Bearer {secret}"})

    return build
