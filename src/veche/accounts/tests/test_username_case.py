"""Usernames are unique regardless of case, in the database itself."""

import pytest
from django.db import IntegrityError, transaction

from veche.accounts import services
from veche.accounts.models import User
from veche.core.errors import DomainError


def test_the_database_refuses_a_username_differing_only_in_case(make_user) -> None:
    make_user("Ivan")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ivan", email="other@example.org")
    assert User.objects.filter(username__iexact="ivan").count() == 1


def test_sign_up_with_a_name_differing_only_in_case_gets_a_field_error(make_user) -> None:
    make_user("Ivan")
    with pytest.raises(DomainError) as error:
        services.user_signup(
            username="IVAN", email="ivan2@example.org", password="a long enough passphrase 9", consent=True
        )
    assert "username" in error.value.fields
    assert not User.objects.filter(email="ivan2@example.org").exists()
