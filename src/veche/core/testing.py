"""Helpers for the test suites (imported by tests only)."""

import threading
from collections.abc import Callable, Sequence

from django.db import connection


def race(calls: Sequence[Callable[[], object]]) -> tuple[list[object], list[BaseException]]:
    """Run `calls` at once, each in its own thread and database connection, released together.

    Returns their results and the exceptions that escaped them: every escape is a finding.
    Use with pytest-django's `transactional_db`, so that the threads see committed rows.
    """
    barrier = threading.Barrier(len(calls))
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            result = call()
            with lock:
                results.append(result)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError("a racing call did not finish within 60 s")
    return results, errors
