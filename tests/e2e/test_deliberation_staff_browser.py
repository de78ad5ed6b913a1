"""The deliberations' staff pages in a real Chromium, on a 390 px phone in Russian and a 1280 px desktop
in English: the list, the settings with the map, the statements; a moderator rejects a statement in
place (htmx), first without the reason (the message at the field), then with it, and accepts another.
Every page is checked (`Walk.check`: the language, nothing wider than the screen, no serious axe
violation). Screenshots go to /tmp/deliberation-staff/."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.utils import translation
from django.utils.translation import pgettext
from playwright.sync_api import expect

from tests.e2e.helpers import Walk
from veche.accounts.models import User
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.deliberation.models import Statement, StatementStatus
from veche.deliberation.services import map_recompute, statement_add
from veche.deliberation.tests.helpers import SEEDS, open_deliberation
from veche.municipalities.models import Membership, Municipality

pytestmark = pytest.mark.e2e
SHOTS = "/tmp/deliberation-staff"  # noqa: S108 - screenshots for a person to look at
TITLE = "Как сделать набережную Москвы-реки у Дома культуры в Северном районе удобнее для всех?"


def shot(walk: Walk, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    walk.page.screenshot(path=f"{SHOTS}/{name}-{walk.setting}.png", full_page=True)


def test_the_staff_pages_and_moderation_in_place(
    walk: Walk, municipality: Municipality, make_user: Callable[..., User], moderator: User
) -> None:
    admin = make_user("cityadmin", role=Membership.Role.ADMIN, municipality=municipality)
    roads = municipality.departments.get(name_en="Roads")
    deliberation = open_deliberation(admin, municipality, title=TITLE, department=roads, statements=SEEDS)
    writers = [make_user(f"writer{n}", verified_in=municipality) for n in range(3)]
    texts = [
        "Нужны питьевые фонтанчики вдоль всей набережной",
        "Пусть вечером у воды играет тихая музыка",
        "Велосипедная дорожка должна быть отделена от пешеходной",
    ]
    for writer, text in zip(writers, texts, strict=True):
        statement_add(author=writer, deliberation=deliberation, text=text)
    map_recompute(deliberation=deliberation)
    base = f"/m/{municipality.slug}/staff/deliberations/"

    walk.as_(admin)
    walk.open(base)
    shot(walk, "list")
    walk.open(f"{base}{deliberation.pk}/")
    shot(walk, "edit")
    walk.open(f"{base}new/")
    shot(walk, "new")
    project = project_in_stage(
        actor=admin, municipality=municipality, kind=StageKind.IDEAS, template="deliberation", title=TITLE
    )
    walk.open(f"/m/{municipality.slug}/staff/projects/{project.pk}/")
    walk.press(walk.link("Open the deliberation"))
    shot(walk, "project-new")
    walk.press("Create the draft")
    assert walk.url == f"{base}{project.deliberation.pk}/"

    walk.as_(moderator)
    walk.open(f"{base}{deliberation.pk}/statements/")
    shot(walk, "statements")
    with translation.override(walk.language):
        reject = pgettext("statement", "Reject")
    first, second = Statement.objects.filter(deliberation=deliberation, status="pending").order_by(
        "created_at"
    )[:2]
    row = walk.page.locator(f"#statement-{first.pk}")
    row.get_by_text(walk._("Reject…")).click()
    row.get_by_role("button", name=reject).click()
    error = row.locator(".error")
    error.wait_for()
    walk.check()
    assert Statement.objects.get(pk=first.pk).status == StatementStatus.PENDING
    shot(walk, "statements-refused")
    row = walk.page.locator(f"#statement-{first.pk}")
    row.get_by_label(walk._("Reason (the author sees it)")).fill("Это не относится к вопросу")
    row.get_by_role("button", name=reject).click()
    expect(walk.page.locator(f"#statement-{first.pk}").get_by_role("button", name=reject)).to_have_count(0)
    assert Statement.objects.get(pk=first.pk).status == StatementStatus.REJECTED
    walk.page.locator(f"#statement-{second.pk}").get_by_role("button", name=walk._("Accept")).click()
    expect(walk.page.locator('#statement-counts [data-count="pending"]')).to_have_text("1")
    assert Statement.objects.get(pk=second.pk).status == StatementStatus.ACCEPTED
    walk.check()
    shot(walk, "statements-done")
    assert walk.url.endswith(f"{base}{deliberation.pk}/statements/")  # in place: no page was loaded
