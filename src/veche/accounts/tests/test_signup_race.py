"""Two sign-ups sent at the same moment, each in its own thread and database connection."""

import threading
from collections.abc import Callable
from functools import partial

import pytest
from conftest import PASSWORD
from django.core import mail
from django.db import connection

from veche.accounts import services
from veche.accounts.models import User
from veche.core.errors import DomainError

ROUNDS = 5


def race(*calls: Callable[[], object]) -> tuple[list[object], list[BaseException]]:
    """Run `calls` at once, released together by a barrier; return their results and exceptions."""
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
        except BaseException as exc:  # every escape is a finding
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_simultaneous_signups_with_one_email_make_one_account() -> None:
    for i in range(ROUNDS):
        email = f"twin{i}@example.org"

        results, errors = race(
            partial(services.user_signup, username=f"first{i}", email=email, password=PASSWORD),
            partial(services.user_signup, username=f"second{i}", email=email.upper(), password=PASSWORD),
        )

        assert errors == []
        assert User.objects.filter(email__iexact=email).count() == 1
        assert sorted(result is None for result in results) == [False, True]
        letters = [m for m in mail.outbox if m.to == [email]]
        assert len(letters) == 2  # the confirmation, and "someone tried to sign up with your e-mail"
        assert sorted("/accounts/confirm/" in m.body for m in letters) == [False, True]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_signups_with_one_username_make_one_account() -> None:
    for i in range(ROUNDS):
        name = f"twin{i}"

        results, errors = race(
            partial(services.user_signup, username=name, email=f"{name}a@example.org", password=PASSWORD),
            partial(services.user_signup, username=name, email=f"{name}b@example.org", password=PASSWORD),
        )

        assert User.objects.filter(username=name).count() == 1
        assert len(results) == 1 and isinstance(results[0], User)
        assert len(errors) == 1 and isinstance(errors[0], DomainError)
        assert set(errors[0].fields) == {"username"}
