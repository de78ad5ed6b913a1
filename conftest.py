"""Registers the test plugin, veche.core.testing, for every suite: its fixtures and helpers are there."""

import pytest

# The test plugin; and the poll and budget fixtures, which the top-level suites (tests/) use too.
pytest_plugins = ["veche.core.testing", "veche.polls.tests.helpers", "veche.budgeting.tests.helpers"]

# Until initiatives/tests/test_concurrency.py imports it from the plugin, it imports it from here.
pytest.register_assert_rewrite("veche.core.testing")
from veche.core.testing import build_municipality  # noqa: E402, F401
