"""Two sign-ups sent at the same moment, each in its own thread and database connection."""

from functools import partial

import pytest
from django.core import mail

from veche.accounts import services
from veche.accounts.models import User
from veche.core.errors import DomainError
from veche.core.testing import PASSWORD, race

ROUNDS = 5


@pytest.mark.django_db(transaction=True)
def test_simultaneous_signups_with_one_email_make_one_account() -> None:
    for i in range(ROUNDS):
        email = f"twin{i}@example.org"

        results, errors = race(
            [
                partial(
                    services.user_signup, username=f"first{i}", email=email, password=PASSWORD, consent=True
                ),
                partial(
                    services.user_signup,
                    username=f"second{i}",
                    email=email.upper(),
                    password=PASSWORD,
                    consent=True,
                ),
            ]
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
            [
                partial(
                    services.user_signup,
                    username=name,
                    email=f"{name}a@example.org",
                    password=PASSWORD,
                    consent=True,
                ),
                partial(
                    services.user_signup,
                    username=name,
                    email=f"{name}b@example.org",
                    password=PASSWORD,
                    consent=True,
                ),
            ]
        )

        assert User.objects.filter(username=name).count() == 1
        assert len(results) == 1 and isinstance(results[0], User)
        assert len(errors) == 1 and isinstance(errors[0], DomainError)
        assert set(errors[0].fields) == {"username"}
