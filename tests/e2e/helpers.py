"""What the browser walks share: the two settings a walk runs in (Russian on a 390 px phone, English on
a 1280 px desktop), `Walk` (one person's way through the site in one setting) and `check_page`, the
checks every page a walk opens must pass: nothing wider than the screen, and no axe-core violation of
impact "serious" or "critical" (WCAG 2.0 A and AA, WCAG 2.1 AA).

axe-core comes with the axe-playwright-python package (its own copy of axe.min.js: nothing is fetched
while testing). The `walk` and `walker` fixtures (tests/e2e/conftest.py) make the walks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext

from veche.accounts.models import User
from veche.core.testing import text_in

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
BLOCKING = {"serious", "critical"}
TIMEOUT_MS = 15_000
# The map's tiles are not the site's: a blank answer keeps the tests off the network.
TILES = "https://tile.openstreetmap.org/**"


@dataclass(frozen=True)
class Setting:
    """Who walks: the site's language, the browser's locale and its screen."""

    language: str
    locale: str
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.language}-{self.width}"


RUSSIAN_PHONE = Setting("ru", "ru-RU", 390, 844)
ENGLISH_DESKTOP = Setting("en", "en-US", 1280, 900)
SETTINGS = (RUSSIAN_PHONE, ENGLISH_DESKTOP)


# Run axe on the document and answer its serious and critical violations, each with the elements it
# names (only violations are detailed: passes are not worth sending back).
AXE_RUN = """async ([tags, blocking]) => {
  const only = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  const results = await axe.run(document, only);
  return results.violations.filter(v => blocking.includes(v.impact))
    .map(v => `${v.id} (${v.impact}) ${v.help}: ` + v.nodes.map(n => JSON.stringify(n.target)).join(", "));
}"""


def axe_problems(page: Any) -> list[str]:
    """One line per serious or critical axe-core violation on the page as it stands: its id, impact,
    help and the elements it names."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return list(page.evaluate(AXE_RUN, [AXE_TAGS, sorted(BLOCKING)]))


def page_problems(page: Any) -> list[str]:
    """What is wrong with the page as it stands: it scrolls sideways, or axe finds a serious violation."""
    wide, screen = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    found = [f"scrolls sideways: {wide} px wide on a {screen} px screen"] if wide > screen else []
    return found + axe_problems(page)


def check_page(page: Any) -> None:
    problems = page_problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)


def sign_in(context: Any, base: str, user: User | None) -> None:
    """The browser context's session becomes `user`'s (a session made by Django's test client), or
    nobody's; its other cookies stay."""
    context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])


class Walk:
    """One person's way through the site in one setting: a browser context of the setting's locale and
    screen, in which the site speaks the setting's language. Every page the walk opens or reaches by
    a button is checked (`check`): in the walk's language, not wider than the screen, no serious axe
    violation. Who is signed in changes with `as_`; `_` is a message as the site shows it to the walk."""

    def __init__(self, browser: Any, base: str, setting: Setting) -> None:
        self.base, self.setting, self.language = base, setting, setting.language
        self.context = browser.new_context(
            locale=setting.locale,
            viewport={"width": setting.width, "height": setting.height},
            extra_http_headers={"Accept-Language": setting.language},
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route(TILES, lambda route: route.fulfill(status=204, body=b""))
        self.page = self.context.new_page()
        if setting.language != settings.LANGUAGE_CODE:
            self.choose_language(setting.language)

    def _(self, message: str) -> str:
        return text_in(self.language, message)

    def count(self, singular: str, plural: str, n: int) -> str:
        """A count as the site writes it in the walk's language (`{% blocktranslate count n=... %}`)."""
        with translation.override(self.language):
            return ngettext(singular, plural, n) % {"n": n}

    def choose_language(self, code: str) -> None:
        """Choose the language in the header's switch, as a person does: on a phone the switch is
        folded behind the menu. The page reloads in the language, which stays (a cookie)."""
        self.open("/")
        menu = self.page.locator("header .menu > summary")
        if menu.is_visible():
            menu.click()
        with self.page.expect_navigation():
            self.page.select_option("#language-select", code)
        cookies = {cookie["name"]: cookie["value"] for cookie in self.context.cookies()}
        assert cookies.get(settings.LANGUAGE_COOKIE_NAME) == code, cookies
        self.check()

    def as_(self, user: User | None) -> None:
        """From now on the walk is `user`'s, or nobody's; the language stays."""
        sign_in(self.context, self.base, user)

    def check(self) -> None:
        """The page is in the walk's language and passes `check_page`."""
        assert self.page.get_attribute("html", "lang") == self.language, self.page.url
        check_page(self.page)

    def open(self, path: str) -> None:
        answer = self.page.goto(self.base + path)
        assert answer is not None and answer.status == 200, (path, answer and answer.status)
        self.check()

    def press(self, target: Any) -> None:
        """Click `target` (a locator, or a button's message: translated for the walk) and check the page
        it leads to."""
        if isinstance(target, str):
            target = self.button(target)
        with self.page.expect_navigation():
            target.click()
        self.check()

    def button(self, message: str, within: Any = None) -> Any:
        return (within or self.page).get_by_role("button", name=self._(message), exact=True)

    def link(self, message: str, within: Any = None) -> Any:
        return (within or self.page).get_by_role("link", name=self._(message), exact=True)

    @property
    def url(self) -> str:
        """The page's address without the server's."""
        return str(self.page.url).removeprefix(self.base)

    def close(self) -> None:
        self.context.close()
