"""The fuzzing suite's world, built once per module, and the hooks every schema shares."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import strategies as st

from tests.fuzz.counting import SENT
from tests.fuzz.world import World, build_world
from veche.core.testing import rolled_back_at_the_end

# The world of the module that runs now: the hooks below read it while they generate.
CURRENT: dict[str, World] = {}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once per module in a transaction that is rolled back at its end: each operation's test
    (pytest-django's `db`) runs in a savepoint inside it, so that the fuzzer's writes for one
    operation do not reach the next, and nothing reaches the other suites."""
    # The WSGI handler closes the connection after each request (and with it the transaction the
    # world lives in); Django's test client disconnects the same handlers.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # Rate limits off: past them every write would be a 429 and the fuzzer would test nothing else.
    # Their 429s are tested where they are written (core/tests/test_ratelimit.py, open311/tests).
    with override_settings(RATE_LIMITS_ENABLED=False), rolled_back_at_the_end(django_db_blocker):
        CURRENT["world"] = build_world()
        try:
            yield CURRENT["world"]
        finally:
            CURRENT.clear()
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def _mix(generated: Any) -> Any:
    """A strategy of `generated` (parameters as the fuzzer made them) and of the same with the
    values that name real objects in the world (random ids and codes would only ever meet a 404)."""
    world = CURRENT.get("world")
    if world is None or not isinstance(generated, dict):
        return st.just(generated)
    known = {name: world.known[name] for name in generated if name in world.known}
    if not known:
        return st.just(generated)
    chosen = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in known.items()})
    return chosen.flatmap(lambda values: st.sampled_from([generated, {**generated, **values}]))


@schemathesis.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    return _mix(path_parameters)


@schemathesis.hook
def flatmap_query(context: Any, query: dict[str, Any]) -> Any:
    return _mix(query)


@schemathesis.hook
def flatmap_body(context: Any, body: Any) -> Any:
    return _mix(body)


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    SENT["requests"] += 1
