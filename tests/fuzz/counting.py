"""Counts the requests the fuzzing suite sends, and fails the run when a whole module sent fewer than
its floor, so that the number cannot silently drop (a schema that lost operations, a hook that
filters too much, a smaller max_examples).

A pytest plugin (the root conftest lists it): light, it imports nothing of schemathesis. The
suite's `after_call` hook adds to `SENT`; each test's share goes to its module. Under xdist each
worker sends its figures to the controller, which adds them up. A module is held to its floor only
when all of its tests were selected and ran (not with -k, nor after -x stopped the run).
"""

import json
from collections import Counter
from typing import Any

import pytest

# Requests each module must send in a full run, 2,580 together per database (5,160 in CI, which runs
# the suite on SQLite and on PostgreSQL); docs/testing.md, "Fuzzing".
FLOORS = {"tests/fuzz/test_api.py": 1800, "tests/fuzz/test_open311.py": 780}
SENT = Counter[str]()

_requests = Counter[str]()
_ran = Counter[str]()
_selected = Counter[str]()
_deselected = Counter[str]()
_verdicts: list[str] = []


def _module(item: pytest.Item) -> str | None:
    path = item.nodeid.split("::", 1)[0]
    return path if path in FLOORS else None


def pytest_deselected(items: list[pytest.Item]) -> None:
    for item in items:
        module = _module(item)
        if module:
            _deselected[module] += 1


def pytest_collection_finish(session: pytest.Session) -> None:
    for item in session.items:
        module = _module(item)
        if module:
            _selected[module] += 1


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    before = SENT["requests"]
    try:
        return (yield)
    finally:
        module = _module(item)
        if module:
            _requests[module] += SENT["requests"] - before
            _ran[module] += 1


def _figures() -> dict[str, Any]:
    return {
        "requests": dict(_requests),
        "ran": dict(_ran),
        "selected": dict(_selected),
        "deselected": dict(_deselected),
    }


@pytest.hookimpl(optionalhook=True)  # an xdist hook: absent when xdist is not loaded
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the xdist controller: a worker's figures (selection is the same on every worker)."""
    figures = json.loads(node.workeroutput.get("fuzz_requests", "{}") or "{}")
    for module, count in figures.get("requests", {}).items():
        _requests[module] += count
    for module, count in figures.get("ran", {}).items():
        _ran[module] += count
    for name, counter in (("selected", _selected), ("deselected", _deselected)):
        for module, count in figures.get(name, {}).items():
            counter[module] = count


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fuzz_requests"] = json.dumps(_figures())
        return
    for module, floor in FLOORS.items():
        if not _ran[module]:
            continue
        whole = not _deselected[module] and _ran[module] == _selected[module]
        verdict = f"fuzz: {module} sent {_requests[module]:_} requests over {_ran[module]} operations"
        if whole and _requests[module] < floor:
            verdict += f" -- FEWER than its floor of {floor:_}"
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        elif whole:
            verdict += f" (floor {floor:_})"
        else:
            verdict += " (a partial run: the floor is not checked)"
        _verdicts.append(verdict)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for verdict in _verdicts:
        terminalreporter.write_line(verdict)
