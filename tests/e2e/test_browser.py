"""A visitor's way through the site in a real Chromium, driven by Playwright against the live server.

In Russian on a 390 px phone and in English on a 1280 px desktop: open the city page, sign up
from it (the password rules are shown before the first try; without consent to the processing of
personal data the form refuses), follow the letter's link, which signs in and returns to the city
page (and only once), log out and in, switch the language both ways and report another person's
comment to the moderators. No page scrolls sideways. Chromium is the system's (/usr/bin/chromium);
without it the test is skipped, except in CI (CI set), where it fails.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from veche.accounts.models import User
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.testing import russian_catalogue, text_in
from veche.moderation.models import Flag
from veche.municipalities.models import Municipality

pytestmark = pytest.mark.e2e


def wait_for(condition: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def switch_language(page: Any, code: str) -> None:
    """Choose a language in the header's switch; the page reloads in it."""
    open_menu(page)
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


def open_menu(page: Any) -> None:
    """On a phone the header's links and language switch are folded behind "Menu"."""
    summary = page.locator("header .menu > summary")
    if summary.is_visible() and page.locator("header .menu").get_attribute("open") is None:
        summary.click()


def assert_fits(page: Any) -> None:
    """The page does not scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        page.url,
        page.evaluate("document.documentElement.scrollWidth"),
    )


def assert_language(page: Any, code: str, catalogue: bool) -> None:
    assert page.get_attribute("html", "lang") == code
    assert page.eval_on_selector("#language-select", "s => s.value") == code
    # textContent: on a phone the button is folded in the closed menu, where innerText is empty.
    logout = page.locator("header form[action='/accounts/logout/'] button").text_content().strip()
    if code == "en" or catalogue:
        assert logout == text_in(code, "Log out")
    if catalogue:
        # The text really changed language, not only the attribute.
        assert (logout == "Log out") == (code == "en")


# (language, browser locale, width, height): Russian on a phone, English on a desktop.
SCREENS = [("ru", "ru-RU", 390, 844), ("en", "en-US", 1280, 800)]


@pytest.mark.parametrize("screen", SCREENS, ids=["ru-390", "en-1280"])
def test_a_visitor_signs_up_from_the_city_is_signed_in_by_the_link_switches_language_and_reports_a_comment(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    make_user: Callable[..., User],
    screen: tuple[str, str, int, int],
) -> None:
    language, locale, width, height = screen
    other = "en" if language == "ru" else "ru"
    catalogue = russian_catalogue()
    author = make_user("neighbour")
    comment = comment_create(
        author=author, municipality=municipality, target=municipality, body="Купите у меня кирпичи недорого"
    )
    base = live_server.url
    city = f"{base}/m/{municipality.slug}/"
    mail.outbox.clear()
    context = page.context.browser.new_context(locale=locale, viewport={"width": width, "height": height})
    context.set_default_timeout(15_000)
    page = context.new_page()

    # A visitor opens the city page: live blocks, the map, and an offer to sign up.
    page.goto(city)
    assert page.get_attribute("html", "lang") == language
    assert_fits(page)
    assert (
        page.locator("#live-polls").get_by_text(text_in(language, "No poll is open right now.")).is_visible()
    )
    assert page.locator("#actions").get_by_role("link", name=text_in(language, "Open the map")).is_visible()
    with page.expect_navigation():
        page.locator("main .notice").get_by_role("link", name=text_in(language, "Sign up")).click()
    assert page.url.startswith(base + "/accounts/signup/?next="), page.url
    assert_fits(page)

    # The password rules are there before the first try, in the visitor's language.
    rules = page.locator("#id_password1_helptext")
    assert rules.is_visible()
    if language == "en" or catalogue:
        assert text_in(language, "Your password can’t be entirely numeric.") in rules.inner_text()
    consent = page.locator("#id_consent")
    assert not consent.is_checked()
    page.fill("#id_username", "newcomer")
    page.fill("#id_email", "newcomer@example.org")
    page.fill("#id_password1", "a sturdy passphrase 9")
    page.fill("#id_password2", "a sturdy passphrase 9")

    # Without consent the form refuses, says why next to the box and keeps what was typed.
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    refusal = "Without your consent to the processing of personal data we cannot create an account."
    assert page.locator(".field.has-error .error").inner_text().strip() == text_in(language, refusal)
    assert page.input_value("#id_username") == "newcomer"
    assert not User.objects.filter(username="newcomer").exists()
    assert_fits(page)

    # With consent the account is made; the passwords are typed again (the form does not echo them).
    page.fill("#id_password1", "a sturdy passphrase 9")
    page.fill("#id_password2", "a sturdy passphrase 9")
    page.locator("#id_consent").check()
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == base + "/accounts/signup/done/", page.url
    assert_fits(page)
    user = User.objects.get(username="newcomer")
    assert user.email_confirmed_at is None
    assert user.consent_given_at is not None

    # The letter's link confirms the address, signs in and returns to the city page.
    [letter] = [m for m in mail.outbox if m.to == ["newcomer@example.org"]]
    match = re.search(r"/accounts/confirm/[^/\s]+/", letter.body)
    assert match, letter.body
    page.goto(base + match.group(0))
    assert page.url == city, page.url
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assert page.locator("header a[href='/accounts/profile/']").text_content().strip() == "newcomer"
    assert_fits(page)

    # The link works once: opened again, it says so and signs nobody in.
    open_menu(page)
    # By keyboard: Playwright takes the inline form around the button for a cover over it (a tap
    # lands on the button: elementFromPoint at its centre is the button).
    with page.expect_navigation():
        page.locator("header form[action='/accounts/logout/'] button").press("Enter")
    answer = page.goto(base + match.group(0))
    assert answer.status == 410
    if language == "en" or catalogue:
        assert page.locator("h1").inner_text().strip() == text_in(language, "This link has been used")
    assert page.locator("header a[href='/accounts/profile/']").count() == 0
    assert_fits(page)

    # Logging in with the password.
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", "a sturdy passphrase 9")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == base + "/", page.url
    assert_language(page, language, catalogue)
    assert_fits(page)

    # The header's switch: to the other language and back.
    switch_language(page, other)
    assert_language(page, other, catalogue)
    switch_language(page, language)
    assert_language(page, language, catalogue)
    if language == "en":
        assert page.locator("h1").inner_text().strip() == "Take part in governing your city"

    # The municipality's page, and the neighbour's comment reported to the moderators.
    page.click(f"main a[href='/m/{municipality.slug}/']")
    assert page.url == city, page.url
    actions = page.locator(f"#flag-{comment.pk}")
    report = actions.get_by_role("link", name=text_in(language, "Report to moderators"))
    report.click()
    reason = actions.locator("input[name=reason][value=spam]")
    reason.wait_for()
    reason.check()
    actions.locator("textarea[name=note]").fill("Реклама")
    actions.locator("button[type=submit]").click()
    actions.get_by_text(text_in(language, "Thank you. Moderators will look at it.")).wait_for()
    assert_fits(page)

    assert wait_for(lambda: Flag.objects.filter(reporter=user).exists())
    flag = Flag.objects.get(reporter=user)
    assert (flag.object_id, flag.reason, flag.note, flag.resolved_at) == (comment.pk, "spam", "Реклама", None)
    assert flag.content_type.model_class() is Comment
    assert flag.municipality_id == municipality.pk

    page.screenshot(path=f"/tmp/e2e-{connection.vendor}-{language}-{width}.png", full_page=True)  # noqa: S108
    context.close()
