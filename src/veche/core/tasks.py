"""Scheduling background tasks after the transaction that asked for them commits."""

from functools import partial
from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Run a Celery task once the current transaction commits (never for a rolled-back one)."""
    transaction.on_commit(partial(task.delay, *args))
