"""The e-mailed confirmation link signs the newcomer in and takes them back to where they began;
used again, expired, or opened where someone else is signed in, it answers clearly and safely."""

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from veche.accounts import services
from veche.accounts.models import User
from veche.accounts.tests.helpers import logged_in_user_id, path_in, signup_form
from veche.core.testing import PASSWORD, messages_of, text_in
from veche.municipalities.models import Municipality

SIGNUP = "/accounts/signup/"
POLLS = "/m/testgrad/polls/"


def _sign_up(client: Client, next_url: str = "", language: str = "ru") -> str:
    """Sign `ivan` up (from `next_url`, if given) and return the path of the link he is sent."""
    query = f"?next={next_url}" if next_url else ""
    form = client.get(SIGNUP + query, headers={"accept-language": language})
    if next_url:
        assert f'name="next" value="{next_url}"' in form.content.decode()
    data = signup_form(next=next_url or None)
    response = client.post(SIGNUP, data, headers={"accept-language": language})
    assert response.status_code == 302, response.content
    return path_in(mail.outbox[-1], "/accounts/confirm/")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_link_signs_in_and_returns_to_the_page_sign_up_began_on(
    client: Client, municipality: Municipality, language: str
) -> None:
    link = _sign_up(client, POLLS, language)
    client.cookies.clear()  # the letter may be opened in another browser

    response = client.get(link, headers={"accept-language": language}, follow=True)

    assert response.redirect_chain == [(POLLS, 302)]
    ivan = User.objects.get(username="ivan")
    assert ivan.email_confirmed
    assert logged_in_user_id(client) == str(ivan.pk)
    welcome = text_in(language, "Your e-mail address is confirmed. Welcome, %(name)s!") % {"name": "ivan"}
    assert welcome in messages_of(response)
    assert ("Добро пожаловать" in welcome) == (language == "ru")


def test_without_a_page_to_return_to_the_link_leads_to_the_city(
    client: Client, municipality: Municipality
) -> None:
    link = _sign_up(client)

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == "/m/testgrad/"


def test_with_several_cities_the_link_leads_to_the_list_of_them(
    client: Client, municipality: Municipality, other_municipality: Municipality
) -> None:
    response = client.get(_sign_up(client))

    assert response["Location"] == "/"


@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/", "/accounts/login/"])
def test_a_foreign_or_account_page_is_not_a_landing(
    client: Client, municipality: Municipality, next_url: str
) -> None:
    client.post(SIGNUP, signup_form(next=next_url))

    response = client.get(path_in(mail.outbox[-1], "/accounts/confirm/"))

    assert response["Location"] == "/m/testgrad/"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_used_link_signs_nobody_in_and_says_why(
    client: Client, municipality: Municipality, language: str
) -> None:
    link = _sign_up(client)
    assert client.get(link).status_code == 302
    stranger = Client()

    response = stranger.get(link, headers={"accept-language": language})

    assert response.status_code == 410
    page = response.content.decode()
    assert text_in(language, "This link has been used") in page
    assert ("Эта ссылка уже использована" in page) == (language == "ru")
    assert 'href="/accounts/login/"' in page
    assert logged_in_user_id(stranger) is None


def test_a_link_for_an_address_confirmed_by_a_password_reset_does_not_sign_in(
    client: Client, make_user: Callable[..., User]
) -> None:
    newcomer = make_user("newcomer", confirmed=False)
    token = services.email_confirmation_token(newcomer)
    services.password_reset_done(user=newcomer)

    response = client.get(f"/accounts/confirm/{token}/")

    assert response.status_code == 410
    assert logged_in_user_id(client) is None


@pytest.mark.parametrize("language", ["ru", "en"])
def test_an_expired_link_signs_nobody_in_and_offers_a_new_one(
    client: Client, make_user: Callable[..., User], settings, language: str
) -> None:
    newcomer = make_user("newcomer", confirmed=False)
    token = services.email_confirmation_token(newcomer)
    settings.EMAIL_CONFIRMATION_MAX_AGE = -1

    response = client.get(f"/accounts/confirm/{token}/", headers={"accept-language": language})

    assert response.status_code == 400
    page = response.content.decode()
    assert text_in(language, "This link has expired. Ask for a new one.") in page
    assert ("Срок действия ссылки истёк" in page) == (language == "ru")
    assert 'href="/accounts/confirm/resend/"' in page
    assert logged_in_user_id(client) is None
    newcomer.refresh_from_db()
    assert not newcomer.email_confirmed


def test_where_someone_else_is_signed_in_the_link_confirms_but_keeps_their_session(
    client_for: Callable[..., Client],
    municipality: Municipality,
    resident: User,
    make_user: Callable[..., User],
) -> None:
    newcomer = make_user("newcomer", confirmed=False)
    client = client_for(resident)

    response = client.get(f"/accounts/confirm/{services.email_confirmation_token(newcomer)}/", follow=True)

    assert response.redirect_chain == [("/m/testgrad/", 302)]
    assert logged_in_user_id(client) == str(resident.pk)
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed
    told = messages_of(response)
    assert "Адрес электронной почты учётной записи newcomer подтверждён" in told
    assert "Вы по-прежнему вошли как resident" in told
    # The newcomer logs in with the password as usual.
    other = Client()
    assert other.post("/accounts/login/", {"username": "newcomer", "password": PASSWORD}).status_code == 302


def test_a_deactivated_account_is_not_signed_in_by_its_link(
    client: Client, make_user: Callable[..., User]
) -> None:
    newcomer = make_user("newcomer", confirmed=False)
    token = services.email_confirmation_token(newcomer)
    User.objects.filter(pk=newcomer.pk).update(is_active=False)

    response = client.get(f"/accounts/confirm/{token}/")

    assert response.status_code == 400
    assert logged_in_user_id(client) is None
