"""The opinion map page in a real Chromium, Russian on a 390 px phone and English on a 1280 px desktop:
three groups drawn, the caller's group said and their place marked, nothing wider than the screen, no
serious axe violation, and no CSP report of an inline style or script. Screenshots go to /tmp/dmap/."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.helpers import Walk
from veche.accounts.models import User
from veche.deliberation.map_selectors import letter
from veche.deliberation.models import Participant
from veche.deliberation.services import map_recompute
from veche.deliberation.tests.helpers import open_deliberation
from veche.deliberation.tests.map_helpers import planted
from veche.municipalities.models import Municipality

pytestmark = pytest.mark.e2e
SHOTS = "/tmp/dmap"  # noqa: S108 - screenshots for a person to look at


def test_the_map_with_three_groups_fits_the_screen_and_marks_the_caller(
    walk: Walk, municipality: Municipality, municipal_admin: User, resident: User
) -> None:
    deliberation = open_deliberation(municipal_admin, municipality)
    planted(deliberation, participants=240, statements=15, groups=3, seed=1)
    stored = map_recompute(deliberation=deliberation)
    assert stored.k == 3, stored.reason
    grouped = min(int(pid) for pid in stored.result["groups"])
    Participant.objects.filter(deliberation=deliberation, number=grouped).update(user=resident)
    mine = letter(stored.result["groups"][str(grouped)])
    refused: list[str] = []
    walk.page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    walk.as_(resident)
    walk.open(reverse("deliberation:map", args=[municipality.slug, deliberation.pk]))

    page: Any = walk.page
    assert page.get_by_text(walk._("You are in group %(letter)s.") % {"letter": mine}).is_visible()
    assert page.locator("svg[role=img] .map-label").count() == 3
    assert page.locator("svg[role=img] .map-you").count() == 1
    box = page.locator("svg[role=img]").bounding_box()
    assert box["width"] <= walk.setting.width and box["height"] > 100
    assert not refused, refused
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/map-{walk.setting}.png", full_page=True)
