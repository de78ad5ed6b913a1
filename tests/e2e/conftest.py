"""Fixtures of the browser tests: `page`, a Chromium page driven by Playwright."""

from tests.e2e.test_browser import page  # noqa: F401 - a fixture, shared with every browser test
