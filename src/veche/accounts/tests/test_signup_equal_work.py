"""Sign-up does the same work for a known e-mail address as for a new one, so its time does not
tell whether an address is registered: the password is hashed and one letter goes out on both."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client

from veche.accounts.models import User
from veche.accounts.tests.helpers import signup_form

SIGNUP = "/accounts/signup/"


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how many passwords it encodes."""

    calls = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.calls += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings) -> Iterator[type[CountingHasher]]:
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.calls = 0
    yield CountingHasher


def _signup(email: str, username: str) -> tuple[int, str, int, int]:
    """Sign up in a fresh browser: the status, where it leads, passwords hashed, letters sent."""
    before_calls, before_mail = CountingHasher.calls, len(mail.outbox)
    response = Client().post(SIGNUP, signup_form(email=email, username=username))
    return (
        response.status_code,
        response["Location"],
        CountingHasher.calls - before_calls,
        len(mail.outbox) - before_mail,
    )


def test_a_known_address_costs_the_same_hashing_and_letters_as_a_new_one(
    resident: User, counting_hasher: type[CountingHasher]
) -> None:
    new = _signup("ivan@example.org", "ivan")
    known = _signup("resident@example.org", "petr")

    assert User.objects.filter(username="ivan").exists()
    assert not User.objects.filter(username="petr").exists()
    assert new == known
    assert new[0] == 302 and new[2] == 1 and new[3] == 1


def test_a_taken_name_is_refused_alike_with_a_known_or_a_new_address(
    resident: User, counting_hasher: type[CountingHasher]
) -> None:
    new = Client().post(SIGNUP, signup_form(email="ivan@example.org", username="Resident"))
    known = Client().post(SIGNUP, signup_form(email="resident@example.org", username="Resident"))

    assert new.status_code == known.status_code == 400
    assert new.context["form"].errors == known.context["form"].errors
    assert "username" in new.context["form"].errors
    assert mail.outbox == []
