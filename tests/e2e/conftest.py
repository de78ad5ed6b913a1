"""What every browser test shares: `browser`, the system's Chromium driven by Playwright; `page`, a page
of it (Russian, 1200x900); and the walks of tests/e2e/helpers.py: `walker(setting)` starts a `Walk`
in a setting, and a test that asks for `walk` runs once in each of the two settings (Russian on a
390 px phone, English on a 1280 px desktop). `text_in` is in the test plugin, veche.core.testing.

Chromium is the system's (/usr/bin/chromium); without it the tests are skipped, except in CI (CI
set), where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connections

from tests.e2e.helpers import SETTINGS, TIMEOUT_MS, Setting, Walk

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """One Chromium for the test; its contexts (cookies, locale, screen) are the test's to make."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # While Playwright runs, the ORM calls of the test get connections of their own
            # (asgiref's context-local storage); close them, or PostgreSQL cannot drop the test
            # database.
            connections.close_all()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ru-RU", viewport={"width": 1200, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.fixture
def walker(transactional_db: None, live_server: Any, browser: Any) -> Iterator[Callable[[Setting], Walk]]:
    """Start a walk in a setting (its own browser context); every walk started is closed at the end."""
    walks: list[Walk] = []

    def start(setting: Setting) -> Walk:
        walks.append(Walk(browser, live_server.url, setting))
        return walks[-1]

    yield start
    for walk in walks:
        walk.close()


@pytest.fixture(params=SETTINGS, ids=str)
def walk(request: pytest.FixtureRequest, walker: Callable[[Setting], Walk]) -> Walk:
    """A walk in one setting; the test runs in each."""
    return walker(request.param)
