"""The pytest plugin of every Veche test suite: shared fixtures, helpers tests import, the race harness.

The root conftest.py registers it (`pytest_plugins`), so its fixtures reach every suite. What it offers:

- Helpers imported by name: `PASSWORD` (every made user's), `build_municipality`, `jpeg_bytes`,
  `text_in` and `russian_catalogue`, `localised_numbers` (numbers a script reads that were written
  for people), `HTMX` (the headers of an htmx request) and `messages_of` (what a page told the
  person), and `race` with `unexpected` for the concurrency tests.
- People and places: `municipality` (Тестоград: two districts, a roads department, the pothole
  category), `other_municipality`, `central`, `northern`, `make_user`, `resident`, `verified_resident`,
  `resident_of`, `voter`, `author`, `moderator`, `official`, `municipal_admin`, `platform_admin`.
- Clients: `client_for(user, language=None)` (a signed-in site client) and `api_for(user,
  language=None)` (a bearer-token API client).
- Content: `comment` (by `author` on the town square); `photo`, `lights`, `parks`, `submit`,
  `routed`, `resolved` (reports through their services).
- Language: tests run in the site's default language, Russian. A client asks for another with
  `language="en"` (its Accept-Language); a test with `@pytest.mark.language("en")`, and a suite by
  requesting the `english` fixture from an autouse fixture of its conftest.
"""

from __future__ import annotations

import io
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from veche.accounts.models import User, Verification
from veche.accounts.services import api_token_create
from veche.accounts.verification.backends import LocmemBackend
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.municipalities.models import Category, Department, District, Membership, Municipality
from veche.reports import services as report_services
from veche.reports.models import Report

PASSWORD = "correct horse battery staple"  # noqa: S105 - the password of every user the tests make
# The headers of a request htmx sends.
HTMX = {"HX-Request": "true"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "language(code): run the test with `code` ('ru', 'en') as the site's language"
    )


# Helpers --------------------------------------------------------------------------------------------


def build_municipality(
    slug: str = "testgrad", name: str = "Тестоград", name_en: str = "Testgrad"
) -> Municipality:
    """A municipality with two districts (d1 Central, d2 Northern), a roads department and its
    pothole category (8 working days to answer, photo required)."""
    municipality = Municipality.objects.create(
        slug=slug, name_ru=name, name_en=name_en, region_ru="Тестовая область", region_en="Test Oblast"
    )
    for i, (ru, en) in enumerate([("Центральный", "Central"), ("Северный", "Northern")], start=1):
        District.objects.create(municipality=municipality, name_ru=ru, name_en=en, slug=f"d{i}")
    roads = Department.objects.create(municipality=municipality, name_ru="Дороги", name_en="Roads")
    Category.objects.create(
        municipality=municipality,
        department=roads,
        slug="pothole",
        name_ru="Яма",
        name_en="Pothole",
        answer_days=8,
        photo_required=True,
    )
    return municipality


def jpeg_bytes(size: tuple[int, int] = (64, 48), exif_gps: bool = False) -> bytes:
    """A small red JPEG; with `exif_gps`, one that carries a GPS position and a camera make."""
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0), 3: "E", 4: (37.0, 37.0, 0.0)}  # GPSInfo
        exif[0x010F] = "SecretCam"  # Make
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


class JsonService(BaseHTTPRequestHandler):
    """A stand-in for a remote service a setting names (the geocoder): every GET gets `answer` after
    `delay` seconds, and its query is kept in `queries`."""

    answer: bytes = b"[]"
    delay: float = 0.0
    queries: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:
        type(self).queries.append(parse_qs(urlsplit(self.path).query))
        time.sleep(self.delay)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(self.answer)
        except OSError:
            pass  # the client gave up waiting

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def local_service(answer: bytes = b"[]") -> Iterator[tuple[str, type[JsonService]]]:
    """A JsonService on 127.0.0.1 in a thread of its own: its URL, and its class to change the
    answer or the delay and read the queries."""
    service = type("Service", (JsonService,), {"answer": answer, "queries": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), service)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/search", service
    finally:
        server.shutdown()
        server.server_close()


def text_in(language: str, message: str) -> str:
    """`message` as the site shows it in `language` (itself, while the catalogue lacks it)."""
    with translation.override(language):
        return gettext(message)


def messages_of(response: Any) -> str:
    """The messages a page (rendered by the test client) told the person, one after the other."""
    return " ".join(str(message) for message in response.context["messages"])


def russian_catalogue() -> bool:
    """Whether the compiled Russian catalogue is there and translates."""
    mo = Path(django_settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES" / "django.mo"
    return mo.exists() and text_in("ru", "Log out") != "Log out"


# What scripts and browsers read as a number: data-* and aria-value* attributes anywhere, and these
# attributes of these elements. A number written for people there (a decimal comma, grouped
# thousands) is read wrong: parseFloat("55,7558") is 55.
_MACHINE_ATTRIBUTES = {
    "input": {"value", "min", "max", "step"},
    "meter": {"value", "min", "max", "low", "high", "optimum"},
    "progress": {"value", "max"},
}
_MACHINE_INPUTS = {"number", "range", "hidden", "checkbox", "radio"}
_FOR_PEOPLE = re.compile(r"[-+]?\d+,\d+|[-+]?\d{1,3}(?:[\s\u00a0\u202f]\d{3})+(?:[.,]\d+)?")


class _MachineNumbers(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        read = _MACHINE_ATTRIBUTES.get(tag, set())
        if tag == "input" and values.get("type", "text") not in _MACHINE_INPUTS:
            read = set()
        for name, value in values.items():
            machine = name in read or name.startswith(("data-", "aria-value"))
            if machine and _FOR_PEOPLE.fullmatch(value.strip()):
                self.found.append(f'<{tag} {name}="{value}">')


def localised_numbers(html: str) -> list[str]:
    """The attributes of `html` that a script or the browser reads as a number but that hold one
    written for people (`<div data-lat="55,7558">`, `<input type="number" value="5 000">`)."""
    parser = _MachineNumbers()
    parser.feed(html)
    parser.close()
    return parser.found


# The race harness -----------------------------------------------------------------------------------


@contextmanager
def rolled_back_at_the_end(django_db_blocker: Any) -> Iterator[None]:
    """A transaction for a world built once per module (a module-scoped fixture): every test of the
    module runs inside it, in the savepoints of its `db` fixture (pytest-django does not open
    Django's class-level transaction), so each starts from the same world; it is rolled back when
    the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


@contextmanager
def scratch_database(alias: str = "scratch") -> Iterator[Any]:
    """A connection (under `alias`) to a new, empty database of the test database's kind, dropped
    afterwards: for a migration test that needs an old schema without migrating the whole test
    database back and forth (a minute for one app's early migration)."""
    base = connections["default"].settings_dict
    name = f"{base['NAME'] if base['ENGINE'].endswith('sqlite3') else 'scratch'}_{alias}_{time.time_ns()}"
    if base["ENGINE"].endswith("sqlite3"):
        name = str(Path(base["NAME"]).with_name(Path(name).name + ".sqlite3"))
    else:
        _postgres_admin(base, f'CREATE DATABASE "{name}"')
    connections.settings[alias] = {**base, "NAME": name}
    try:
        yield connections[alias]
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
        if base["ENGINE"].endswith("sqlite3"):
            Path(name).unlink(missing_ok=True)
        else:
            _postgres_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_admin(base: dict[str, Any], sql: str) -> None:
    import psycopg

    with psycopg.connect(
        dbname="postgres",
        user=base["USER"] or None,
        password=base["PASSWORD"] or None,
        host=base["HOST"] or None,
        port=base["PORT"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(sql)


def race(calls: Sequence[Callable[[], Any]], *, timeout: float = 60) -> tuple[list[Any], list[BaseException]]:
    """Run `calls` at the same moment: each in its own thread, released together by a barrier, on its
    own database connections (closed when the call ends).

    Returns the results of the calls that returned and the exceptions that escaped the others, both in
    the order of `calls`; an exception keeps its traceback (`unexpected` prints them). Every escape is
    a finding: the test says which ones it expects. Calls still running after `timeout` seconds fail
    the test with the stacks of their threads: a deadlock, or a lock that nobody releases.
    Use with pytest-django's `transactional_db`, so that the threads see the committed set-up.
    """
    barrier = threading.Barrier(len(calls))
    returned: dict[int, Any] = {}
    raised: dict[int, BaseException] = {}

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=timeout)
            returned[i] = call()
        except BaseException as error:  # the test decides which escapes it expects
            raised[i] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, call), name=f"race-{i}", daemon=True)
        for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [thread for thread in threads if thread.is_alive()]
    if stuck:
        frames = sys._current_frames()
        stacks = "\n".join(
            f"{thread.name}:\n{''.join(traceback.format_stack(frames[thread.ident]))}"
            for thread in stuck
            if thread.ident in frames
        )
        pytest.fail(f"{len(stuck)} of {len(calls)} racing calls still run after {timeout} s:\n{stacks}")
    return [returned[i] for i in sorted(returned)], [raised[i] for i in sorted(raised)]


def unexpected(errors: Sequence[BaseException], allowed: tuple[type[BaseException], ...] = ()) -> str:
    """The tracebacks of the `errors` that are not of an `allowed` type ("" if none), for an assertion
    message: `assert not unexpected(errors, (Conflict,)), unexpected(errors, (Conflict,))`."""
    return "\n".join(
        "".join(traceback.format_exception(error)) for error in errors if not isinstance(error, allowed)
    )


# Language -------------------------------------------------------------------------------------------


def _speaking(settings: Any, language: str) -> Iterator[None]:
    """The site's default language and the active translation set to `language` while it runs."""
    settings.LANGUAGE_CODE = language
    with translation.override(language):
        yield


@pytest.fixture(autouse=True)
def _language(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test runs in the site's default language, or in its `@pytest.mark.language(code)`.

    Each test starts with no language active: a request leaves its language active in the thread
    (LocaleMiddleware does not take it back), and the next test would run in it.
    """
    translation.deactivate()
    marker = request.node.get_closest_marker("language")
    if marker is None:
        yield
    else:
        yield from _speaking(request.getfixturevalue("settings"), marker.args[0])
    translation.deactivate()


@pytest.fixture
def english(request: pytest.FixtureRequest, settings: Any) -> Iterator[None]:
    """The test runs in English, unless it is marked with another `language`. Suites that read their
    messages in English request it from an autouse fixture of their conftest."""
    marker = request.node.get_closest_marker("language")
    yield from _speaking(settings, marker.args[0] if marker is not None else "en")


# People and places ----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_code_outbox() -> None:
    LocmemBackend.outbox.clear()


@pytest.fixture
def municipality(db: None) -> Municipality:
    return build_municipality()


@pytest.fixture
def other_municipality(db: None) -> Municipality:
    return build_municipality("drugograd", "Другоград", "Otherburg")


@pytest.fixture
def central(municipality: Municipality) -> District:
    return municipality.districts.get(slug="d1")


@pytest.fixture
def northern(municipality: Municipality) -> District:
    return municipality.districts.get(slug="d2")


def create_user(
    username: str,
    *,
    confirmed: bool = True,
    verified_in: Municipality | None = None,
    role: str | None = None,
    municipality: Municipality | None = None,
    superuser: bool = False,
    **extra: Any,
) -> User:
    """A user with the e-mail confirmed (unless `confirmed=False`) and the password `PASSWORD`;
    `verified_in` verifies the residence in the municipality's first district, `role` with
    `municipality` gives a membership (an official works in the first department)."""
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
        if municipality is None:
            raise ValueError("a role needs its municipality")
        department = municipality.departments.first() if role == Membership.Role.OFFICIAL else None
        Membership.objects.create(user=user, municipality=municipality, role=role, department=department)
    return user


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """`create_user`, for tests that make several people."""
    return create_user


@pytest.fixture
def resident(make_user: Callable[..., User]) -> User:
    return make_user("resident")


@pytest.fixture
def verified_resident(make_user: Callable[..., User], municipality: Municipality) -> User:
    return make_user("verified", verified_in=municipality)


@pytest.fixture
def resident_of(make_user: Callable[..., User], municipality: Municipality) -> Callable[..., User]:
    """A confirmed user whose residence is verified in `district` (or in no district)."""

    def make(username: str, district: District | None) -> User:
        user = make_user(username)
        Verification.objects.create(
            user=user, municipality=municipality, district=district, provider=Verification.Provider.IN_PERSON
        )
        return user

    return make


@pytest.fixture
def voter(resident_of: Callable[..., User], central: District) -> User:
    return resident_of("voter", central)


@pytest.fixture
def author(make_user: Callable[..., User]) -> User:
    return make_user("author")


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


# Clients --------------------------------------------------------------------------------------------


@pytest.fixture
def client_for() -> Callable[..., Client]:
    """A browser-like client signed in as `user` (or anonymous), asking for `language` (else the
    site's default, Russian); CSRF is tested separately."""

    def build(user: User | None = None, *, language: str | None = None) -> Client:
        client = Client(enforce_csrf_checks=False)
        if language is not None:
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        if user is not None:
            client.force_login(user)
        return client

    return build


@pytest.fixture
def api_for() -> Callable[..., Client]:
    """An API client that sends `Authorization: Bearer <token>` for `user`, asking for `language`."""

    def build(user: User, *, language: str | None = None) -> Client:
        _token, secret = api_token_create(user=user, name="test")
        client = Client(headers={"authorization": f"Bearer {secret}"})
        if language is not None:
            client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return build


# Content --------------------------------------------------------------------------------------------


@pytest.fixture
def comment(author: User, municipality: Municipality) -> Comment:
    """A comment by `author` on the municipality's town square."""
    return comment_create(
        author=author, municipality=municipality, target=municipality, body="Купите окна!!!"
    )


@pytest.fixture
def photo() -> Callable[..., SimpleUploadedFile]:
    """Make an uploaded JPEG (`jpeg_bytes`' options)."""

    def make(name: str = "pothole.jpg", **kwargs: Any) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")

    return make


@pytest.fixture
def lights(municipality: Municipality) -> Category:
    """A category of the roads department without a required photo."""
    return Category.objects.create(
        municipality=municipality,
        department=municipality.departments.get(name_ru="Дороги"),
        slug="light",
        name="Свет",
        name_en="Street light",
        answer_days=5,
        photo_required=False,
    )


@pytest.fixture
def parks(municipality: Municipality) -> Department:
    return Department.objects.create(municipality=municipality, name="Парки", name_en="Parks")


@pytest.fixture
def submit(municipality: Municipality, lights: Category) -> Callable[..., Report]:
    """Submit a street-light report by `author` (awaiting moderation); keywords change its fields."""

    def make(author: User, **kwargs: Any) -> Report:
        fields: dict[str, Any] = {
            "municipality": municipality,
            "category": lights,
            "latitude": 55.75,
            "longitude": 37.61,
            "description": "The street light is out",
            "address": "Tverskaya 1",
        }
        fields.update(kwargs)
        return report_services.report_submit(author=author, **fields)

    return make


@pytest.fixture
def routed(submit: Callable[..., Report], moderator: User) -> Callable[..., Report]:
    """A report that passed moderation and went to its department (public from now on)."""

    def make(author: User, **kwargs: Any) -> Report:
        return report_services.report_moderate(moderator=moderator, report=submit(author, **kwargs))

    return make


@pytest.fixture
def resolved(
    routed: Callable[..., Report], official: User, photo: Callable[..., SimpleUploadedFile]
) -> Callable[..., Report]:
    def make(author: User, **kwargs: Any) -> Report:
        return report_services.report_resolve(
            official=official, report=routed(author, **kwargs), answer="The lamp is fixed", photos=[photo()]
        )

    return make
