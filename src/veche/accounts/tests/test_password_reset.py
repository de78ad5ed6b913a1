"""Password reset: the same answer for every address; the letter's link sets a new password."""

import re

import pytest
from django.core import mail
from django.test import Client

from veche.accounts.models import User
from veche.accounts.tests.helpers import logged_in_user_id, path_in
from veche.core.testing import PASSWORD

RESET = "/accounts/password-reset/"
SENT = "/accounts/password-reset/sent/"
NEW_PASSWORD = "a brand new passphrase 2024"
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


def page_text(response) -> str:
    """A page's HTML without its CSRF tokens, which are masked afresh on every render."""
    return CSRF.sub(r"\1", response.content.decode())


@pytest.fixture
def ask_reset(client: Client):
    def ask(email: str):
        response = client.post(RESET, {"email": email})
        page = client.get(response["Location"]) if response.status_code == 302 else None
        return response, page

    return ask


def test_known_and_unknown_addresses_get_the_same_answer(ask_reset, resident: User) -> None:
    unknown, unknown_page = ask_reset("stranger@example.org")
    assert mail.outbox == []
    known, known_page = ask_reset("resident@example.org")

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == SENT
    assert unknown_page.status_code == known_page.status_code == 200
    assert page_text(unknown_page) == page_text(known_page)
    assert [m.to for m in mail.outbox] == [["resident@example.org"]]


@pytest.mark.parametrize("email", ["resident@example.org", "RESIDENT@example.org"])
def test_the_reset_link_sets_a_new_password(ask_reset, client: Client, resident: User, email: str) -> None:
    ask_reset(email)
    link = path_in(mail.outbox[0], "/accounts/password-reset/")

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/complete/"
    resident.refresh_from_db()
    assert resident.check_password(NEW_PASSWORD)
    assert not resident.check_password(PASSWORD)
    login = Client()
    assert (
        login.post("/accounts/login/", {"username": "resident", "password": NEW_PASSWORD}).status_code == 302
    )
    assert logged_in_user_id(login) == str(resident.pk)
    # The link worked once; it does not work again.
    assert client.get(link, follow=True).context["validlink"] is False


def test_a_reset_link_with_a_wrong_token_sets_nothing(ask_reset, client: Client, resident: User) -> None:
    ask_reset("resident@example.org")
    link = path_in(mail.outbox[0], "/accounts/password-reset/")
    uid = link.rstrip("/").split("/")[-2]

    response = client.get(f"{RESET}{uid}/abc-0123456789abcdef/", follow=True)

    assert response.context["validlink"] is False
    assert (
        client.post(
            f"{RESET}{uid}/set-password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        ).status_code
        == 200
    )
    resident.refresh_from_db()
    assert resident.check_password(PASSWORD)


@pytest.mark.parametrize("confirmed", [False, True])
def test_a_password_set_from_the_letter_confirms_the_address(
    ask_reset, client: Client, make_user, confirmed: bool
) -> None:
    user = make_user("forgetful", confirmed=confirmed)
    ask_reset("forgetful@example.org")
    link = path_in(mail.outbox[0], "/accounts/password-reset/")
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    login = Client()
    assert (
        login.post("/accounts/login/", {"username": "forgetful", "password": NEW_PASSWORD}).status_code == 302
    )
