"""Registers the test plugin, veche.core.testing, for every suite: its fixtures and helpers are there."""

# The test plugin; and the poll and budget fixtures, which the top-level suites (tests/) use too.
pytest_plugins = [
    "veche.core.testing",
    "veche.polls.tests.helpers",
    "veche.budgeting.tests.helpers",
    # Counts the fuzzing suite's requests and holds it to its floor (also on the xdist controller).
    "tests.fuzz.counting",
]

# Hypothesis's per-example deadline is a timing assertion: on a shared, loaded machine it fails tests
# whose code is right. Examples may take as long as they take; a slow one is a benchmark's business.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("veche", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("veche")
