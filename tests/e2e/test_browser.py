"""A visitor's way through the site in a real Chromium, driven by Playwright against the live server.

Sign up, confirm the address from the letter, log in, switch the language both ways, open a
municipality and report another person's comment to the moderators. Chromium is the system's
(/usr/bin/chromium); without it the test is skipped, except in CI (CI set), where it fails.
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
    with page.expect_navigation():
        page.select_option("#language-select", code)
    page.wait_for_load_state()


def assert_language(page: Any, code: str, catalogue: bool) -> None:
    assert page.get_attribute("html", "lang") == code
    assert page.eval_on_selector("#language-select", "s => s.value") == code
    logout = page.locator("header form[action='/accounts/logout/'] button")
    if code == "en" or catalogue:
        assert logout.inner_text().strip() == text_in(code, "Log out")
    if catalogue:
        # The visible text really changed language, not only the attribute.
        assert (logout.inner_text().strip() == "Log out") == (code == "en")


def test_a_visitor_signs_up_confirms_logs_in_switches_language_and_reports_a_comment(
    transactional_db: None,
    live_server: Any,
    page: Any,
    municipality: Municipality,
    make_user: Callable[..., User],
) -> None:
    catalogue = russian_catalogue()
    author = make_user("neighbour")
    comment = comment_create(
        author=author, municipality=municipality, target=municipality, body="Купите у меня кирпичи недорого"
    )
    base = live_server.url
    mail.outbox.clear()

    # A Russian-speaking visitor comes to the site and signs up.
    page.goto(base + "/")
    assert page.get_attribute("html", "lang") == "ru"
    if catalogue:
        assert page.locator("header").get_by_role("link", name=text_in("ru", "Log in")).is_visible()
    page.click("header a[href='/accounts/signup/']")
    page.fill("#id_username", "newcomer")
    page.fill("#id_email", "newcomer@example.org")
    page.fill("#id_password1", "a sturdy passphrase 9")
    page.fill("#id_password2", "a sturdy passphrase 9")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == base + "/accounts/signup/done/", page.url
    user = User.objects.get(username="newcomer")
    assert user.email_confirmed_at is None

    # The letter holds the confirmation link; opening it confirms the address.
    [letter] = [m for m in mail.outbox if m.to == ["newcomer@example.org"]]
    match = re.search(r"/accounts/confirm/[^/\s]+/", letter.body)
    assert match, letter.body
    page.goto(base + match.group(0))
    assert page.url.startswith(base + "/accounts/login/"), page.url
    user.refresh_from_db()
    assert user.email_confirmed_at is not None

    # Logging in.
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", "a sturdy passphrase 9")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == base + "/", page.url
    assert page.locator("header a[href='/accounts/profile/']").inner_text().strip() == "newcomer"
    assert_language(page, "ru", catalogue)

    # The header's switch: Russian to English and back.
    switch_language(page, "en")
    assert_language(page, "en", catalogue)
    assert page.locator("h1").inner_text().strip() == "Take part in governing your city"
    switch_language(page, "ru")
    assert_language(page, "ru", catalogue)

    # The municipality's page, and the neighbour's comment reported to the moderators.
    page.click(f"main a[href='/m/{municipality.slug}/']")
    assert page.url == f"{base}/m/{municipality.slug}/", page.url
    actions = page.locator(f"#flag-{comment.pk}")
    report = actions.get_by_role("link", name=text_in("ru", "Report to moderators"))
    report.click()
    reason = actions.locator("input[name=reason][value=spam]")
    reason.wait_for()
    reason.check()
    actions.locator("textarea[name=note]").fill("Реклама")
    actions.locator("button[type=submit]").click()
    actions.get_by_text(text_in("ru", "Thank you. Moderators will look at it.")).wait_for()

    assert wait_for(lambda: Flag.objects.filter(reporter=user).exists())
    flag = Flag.objects.get(reporter=user)
    assert (flag.object_id, flag.reason, flag.note, flag.resolved_at) == (comment.pk, "spam", "Реклама", None)
    assert flag.content_type.model_class() is Comment
    assert flag.municipality_id == municipality.pk

    page.screenshot(path=f"/tmp/e2e-{connection.vendor}.png", full_page=True)  # noqa: S108
