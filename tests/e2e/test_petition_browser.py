"""Petitions in a real Chromium, in Russian on a phone and in English on a desktop: a resident signs an
appeal and sees her signature counted; an official finds it in the staff area and publishes the
official answer, which the resident then reads on the appeal's page; an official accepts an
initiative that reached its threshold, and its supporter reads the answer and finds the vote. (A
resident supporting an initiative is walked in test_participation_browser.py.) Every page on the way
is checked (tests/e2e/helpers.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from tests.e2e.helpers import Walk
from veche.accounts.models import User
from veche.appeals.models import Appeal, AppealSignature
from veche.appeals.models import Status as AppealStatus
from veche.appeals.services import appeal_create, appeal_policy_save, appeal_sign
from veche.initiatives.models import Initiative, Scope, ThresholdKind
from veche.initiatives.models import Status as InitiativeStatus
from veche.initiatives.services import initiative_create, initiative_policy_save, initiative_support
from veche.municipalities.models import District, Municipality

pytestmark = pytest.mark.e2e


def find_in_the_staff_area(walk: Walk, slug: str, awaiting: str, title: str) -> None:
    """From the staff area to the answer form of the petition called `title`, through the list of those
    `awaiting` an answer."""
    walk.open(f"/m/{slug}/staff/")
    walk.press(walk.link(awaiting))
    walk.press(walk.page.get_by_role("link", name=title, exact=True))
    walk.press(walk.link("Publish the official answer"))


def test_a_resident_signs_an_appeal_and_reads_the_official_answer(
    walk: Walk,
    municipality: Municipality,
    make_user: Callable[..., User],
    municipal_admin: User,
    official: User,
) -> None:
    page, slug = walk.page, municipality.slug
    appeal_policy_save(
        actor=municipal_admin, municipality=municipality, signature_threshold=2, answer_days=10
    )
    anna = make_user("anna", verified_in=municipality)
    appeal = appeal_create(
        author=make_user("author"),
        municipality=municipality,
        title="Верните автобус 12",
        body="Маршрут отменили без обсуждения с жителями.",
    )
    appeal_sign(user=make_user("neighbour", verified_in=municipality), appeal=appeal)

    # The resident finds the appeal in the list and signs it; the box counts her signature.
    walk.as_(anna)
    walk.open(f"/m/{slug}/appeals/")
    walk.press(page.get_by_role("link", name=appeal.title, exact=True))
    box = page.locator("#appeal-sign")
    assert walk.count("%(n)s signature", "%(n)s signatures", 1) in box.inner_text()
    sign = walk.button("Sign this appeal", within=box)
    sign.click()
    sign.wait_for(state="detached")
    walk.check()
    assert walk.count("%(n)s signature", "%(n)s signatures", 2) in box.inner_text()
    assert AppealSignature.objects.filter(petition=appeal, user=anna).count() == 1
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.THRESHOLD_REACHED

    # An official finds it in the staff area and publishes the answer.
    walk.as_(official)
    find_in_the_staff_area(walk, slug, "Appeals awaiting an answer", appeal.title)
    page.get_by_role("textbox", name=walk._("Official answer")).fill("Маршрут 12 вернут с первого марта.")
    walk.press("Publish the answer")
    assert walk.url == f"/m/{slug}/appeals/{appeal.pk}/"
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ANSWERED

    # The resident reads the answer on the appeal's page.
    walk.as_(anna)
    walk.open(f"/m/{slug}/appeals/{appeal.pk}/")
    answer = page.locator("#answer")
    assert answer.get_by_role("heading", name=walk._("Official answer")).is_visible()
    assert "Маршрут 12 вернут с первого марта." in answer.inner_text()


def test_an_official_accepts_an_initiative_and_its_supporter_reads_the_answer(
    walk: Walk,
    municipality: Municipality,
    central: District,
    resident_of: Callable[..., User],
    municipal_admin: User,
    official: User,
) -> None:
    page, slug = walk.page, municipality.slug
    initiative_policy_save(
        actor=municipal_admin,
        municipality=municipality,
        support_days=30,
        threshold_kind=ThresholdKind.COUNT,
        support_threshold=2,
        support_percent=Decimal("1.00"),
        scope=Scope.MUNICIPALITY,
        answer_days=10,
        voting_days=7,
    )
    anna = resident_of("anna", central)
    initiative = initiative_create(
        author=resident_of("author", central),
        municipality=municipality,
        title="Велодорожка вдоль реки",
        body="Разметить защищённую полосу от моста до парка.",
        publish=True,
    )
    for supporter in (anna, resident_of("neighbour", central)):
        initiative_support(user=supporter, initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.status == InitiativeStatus.THRESHOLD_REACHED

    # An official finds it in the staff area and accepts it with two ways to carry it out.
    walk.as_(official)
    find_in_the_staff_area(walk, slug, "Initiatives awaiting an answer", initiative.title)
    page.get_by_label(walk._("Accept, and let residents vote on ready-made options")).check()
    page.get_by_role("textbox", name=walk._("Official answer")).fill(
        "Город согласен: выберите, где пройдёт дорожка."
    )
    page.get_by_role("textbox", name=walk._("Ready-made options")).fill("По набережной\nПо улице Мира")
    walk.press("Publish the answer")
    assert walk.url == f"/m/{slug}/initiatives/{initiative.pk}/"
    initiative = Initiative.objects.get(pk=initiative.pk)
    assert initiative.status == InitiativeStatus.VOTING

    # The supporter reads the answer on the initiative's page, and is led to the vote on the options.
    walk.as_(anna)
    walk.open(f"/m/{slug}/initiatives/{initiative.pk}/")
    answer = page.locator("#answer")
    assert answer.get_by_role("heading", name=walk._("Accepted: the official answer")).is_visible()
    assert "Город согласен: выберите, где пройдёт дорожка." in answer.inner_text()
    walk.press(walk.link("Vote on the options"))
    assert page.get_by_label("По набережной", exact=True).is_visible()
