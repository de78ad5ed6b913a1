"""The crowd projects' pages on a 390 px phone in Russian and a 1280 px desktop in English, in a real
Chromium: residents' list and project page, and the staff pages (list, a new project, the settings,
the timeline rows, the dashboard). Nothing is wider than the screen; on the phone every button and
field is a touch target of 44 px. Screenshots go to /tmp/crowd/."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.test_phone_layout import TARGETS
from veche.accounts.models import User
from veche.crowdprojects.models import Idea, IdeaSupport, StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.municipalities.models import Membership, Municipality

pytestmark = pytest.mark.e2e
SHOTS = "/tmp/crowd"  # noqa: S108 - screenshots for a person to look at
SCREENS = [("ru", "ru-RU", 390, 844), ("en", "en-GB", 1280, 800)]
TITLE = "Как благоустроить набережную Москвы-реки и сквер у Дома культуры в Северном районе"


@pytest.mark.parametrize("screen", SCREENS, ids=["ru-390", "en-1280"])
def test_crowd_pages_fit_the_screen(
    transactional_db: None,
    live_server: Any,
    browser: Any,
    municipality: Municipality,
    make_user: Callable[..., User],
    screen: tuple[str, str, int, int],
) -> None:
    language, locale, width, height = screen
    admin = make_user("cityadmin", role=Membership.Role.ADMIN, municipality=municipality)
    roads = municipality.departments.get(name_en="Roads")
    project = project_in_stage(
        actor=admin, municipality=municipality, kind=StageKind.DISCUSSION, title=TITLE, department=roads
    )
    author = make_user("author")
    idea = Idea.objects.create(
        municipality=municipality,
        project=project,
        author=author,
        title="Скамейки",
        body="x" * 20,
        created_at=project.starts_at,
    )
    IdeaSupport.objects.create(petition=idea, user=admin, tier=1, created_at=project.starts_at)
    client = Client()
    client.force_login(admin)
    context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )
    page = context.new_page()
    os.makedirs(SHOTS, exist_ok=True)
    base = f"{live_server.url}/m/{municipality.slug}"
    staff = f"{base}/staff/projects"
    pages = {
        "home": f"{base}/",
        "list": f"{base}/projects/",
        "detail": f"{base}/projects/{project.pk}/",
        "staff-list": f"{staff}/",
        "staff-new": f"{staff}/new/",
        "staff-project": f"{staff}/{project.pk}/",
        "staff-edit": f"{staff}/{project.pk}/edit/",
        "staff-stages": f"{staff}/{project.pk}/stages/",
        "dashboard": f"{staff}/{project.pk}/dashboard/",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None and response.status == 200, (name, response and response.status)
        assert page.get_attribute("html", "lang") == language
        page.screenshot(path=f"{SHOTS}/{name}-{language}.png", full_page=width < 1000)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, (name, wide)
        if width < 1000:
            small = page.evaluate(TARGETS)
            assert not small, (name, small)
