"""Registers the test plugin, veche.core.testing, for every suite: its fixtures and helpers are there."""

# The test plugin; and the poll and budget fixtures, which the top-level suites (tests/) use too.
pytest_plugins = ["veche.core.testing", "veche.polls.tests.helpers", "veche.budgeting.tests.helpers"]
