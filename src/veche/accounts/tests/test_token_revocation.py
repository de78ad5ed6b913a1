"""API tokens end with the password that stood behind them: a reset, a password set by an
administrator (admin or `changepassword`) and a deletion revoke them."""

import io
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.management.commands import changepassword
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from veche.accounts import services
from veche.accounts.models import ApiToken, User
from veche.accounts.tests.helpers import assert_api_error, path_in

ME = "/api/v1/me"
NEW_PASSWORD = "a brand new passphrase 2024"


def test_a_password_reset_revokes_every_api_token(
    client: Client, resident: User, api_for: Callable[..., Client]
) -> None:
    api = api_for(resident)
    other = api_for(resident)
    assert api.get(ME).status_code == 200

    client.post("/accounts/password-reset/", {"email": "resident@example.org"})
    link = path_in(mail.outbox[0], "/accounts/password-reset/")
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=resident).exists()
    assert_api_error(api.get(ME), 401, "unauthorized")
    assert_api_error(other.get(ME), 401, "unauthorized")


def test_a_refused_reset_keeps_the_tokens(
    client: Client, resident: User, api_for: Callable[..., Client]
) -> None:
    api = api_for(resident)
    client.post("/accounts/password-reset/", {"email": "resident@example.org"})
    link = path_in(mail.outbox[0], "/accounts/password-reset/")
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": "other"})

    assert api.get(ME).status_code == 200


def test_account_deletion_revokes_every_api_token(
    resident: User, official: User, api_for: Callable[..., Client]
) -> None:
    api = api_for(resident)
    kept = api_for(official)

    services.account_delete(user=resident)

    assert not ApiToken.objects.filter(user=resident).exists()
    assert_api_error(api.get(ME), 401, "unauthorized")
    assert kept.get(ME).status_code == 200


def test_a_password_changed_in_the_admin_revokes_every_api_token(
    resident: User,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
    api_for: Callable[..., Client],
) -> None:
    api = api_for(resident)
    root = client_for(make_user("root", superuser=True))

    response = root.post(
        f"/admin/accounts/user/{resident.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert_api_error(api.get(ME), 401, "unauthorized")


def test_the_changepassword_command_revokes_every_api_token(
    monkeypatch, resident: User, official: User, api_for: Callable[..., Client]
) -> None:
    api = api_for(resident)
    kept = api_for(official)
    # The command asks twice at the terminal; the operator types the same new password.
    monkeypatch.setattr(changepassword.getpass, "getpass", lambda prompt="": NEW_PASSWORD)
    out = io.StringIO()

    call_command("changepassword", resident.username, stdout=out)

    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert "Every API token of the account is revoked." in out.getvalue()
    assert_api_error(api.get(ME), 401, "unauthorized")
    assert kept.get(ME).status_code == 200


def test_a_token_records_its_last_use_to_the_minute_without_a_write_on_every_request(
    resident: User, api_for: Callable[..., Client]
) -> None:
    api = api_for(resident)
    token = ApiToken.objects.get(user=resident)
    assert token.last_used_at is None

    api.get(ME)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    with CaptureQueriesContext(connection) as queries:
        api.get(ME)
    again = ApiToken.objects.get(pk=token.pk).last_used_at
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api.get(ME)
    later = ApiToken.objects.get(pk=token.pk).last_used_at

    assert first is not None
    assert again == first
    assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"] and "apitoken" in q["sql"]]
    assert later is not None and later >= first
