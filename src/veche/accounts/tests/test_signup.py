"""Sign-up through the page, and the confirmation link it sends."""

from collections.abc import Callable

import pytest
from django.core import mail, signing
from django.test import Client

from veche.accounts import services
from veche.accounts.models import User
from veche.accounts.tests.helpers import (
    logged_in_user_id,
    path_in,
    paths_in,
    signup_form,
    wait_for_fresh_window,
)
from veche.core.errors import DomainError
from veche.core.ratelimit import limit_for
from veche.core.testing import PASSWORD

SIGNUP = "/accounts/signup/"
DONE = "/accounts/signup/done/"
LOGIN = "/accounts/login/"


@pytest.fixture
def form_data() -> dict[str, str]:
    return signup_form()


def assert_refused(response, field: str | None, message: str | None = None) -> None:
    """A 400 form page with an error on `field` (None: on the form), and nobody signed up."""
    assert response.status_code == 400
    errors = response.context["form"].errors
    key = field or "__all__"
    assert key in errors, errors
    if message is not None:
        assert message in errors[key]
    assert not User.objects.exclude(username__in=["resident"]).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_signup_sends_a_link_that_confirms_the_account(client: Client, form_data: dict[str, str]) -> None:
    response = client.post(SIGNUP, form_data)

    assert response.status_code == 302
    assert response["Location"] == DONE
    user = User.objects.get(username="ivan")
    assert user.email == "ivan@example.org"
    assert not user.email_confirmed
    assert user.check_password(PASSWORD)
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["ivan@example.org"]

    response = client.get(path_in(letter, "/accounts/confirm/"))

    # The link signs the person in (no municipality here: the list of them is the landing page).
    assert response.status_code == 302
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.email_confirmed
    assert logged_in_user_id(client) == str(user.pk)
    client.logout()
    response = client.post(LOGIN, {"username": "ivan", "password": PASSWORD})
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


@pytest.mark.django_db
def test_login_is_refused_until_the_email_is_confirmed(client: Client, form_data: dict[str, str]) -> None:
    client.post(SIGNUP, form_data)

    response = client.post(LOGIN, {"username": "ivan", "password": PASSWORD})

    assert response.status_code == 400
    assert "Сначала подтвердите адрес электронной почты" in response.content.decode()
    assert logged_in_user_id(client) is None


@pytest.fixture
def newcomer(make_user: Callable[..., User]) -> User:
    return make_user("newcomer", confirmed=False)


def _genuine(user: User, settings) -> str:
    return services.email_confirmation_token(user)


def _tampered(user: User, settings) -> str:
    # Someone else's payload under this user's signature.
    _payload, timestamp, signature = services.email_confirmation_token(user).split(":")
    forged = signing.dumps({"u": user.pk + 1, "e": user.email}, salt=services.CONFIRM_SALT)
    return ":".join([forged.split(":")[0], timestamp, signature])


def _other_salt(user: User, settings) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt="some-other-purpose")


def _for_changed_email(user: User, settings) -> str:
    token = services.email_confirmation_token(user)
    User.objects.filter(pk=user.pk).update(email="changed@example.org")
    return token


def _expired(user: User, settings) -> str:
    token = services.email_confirmation_token(user)
    settings.EMAIL_CONFIRMATION_MAX_AGE = -1  # every token is older than that
    return token


@pytest.mark.parametrize(
    ("make_token", "message"),
    [
        (_tampered, "Ссылка недействительна."),
        (_other_salt, "Ссылка недействительна."),
        (_for_changed_email, "Ссылка недействительна."),
        (_expired, "Срок действия ссылки истёк."),
    ],
)
def test_a_bad_confirmation_link_confirms_nothing(
    client: Client, newcomer: User, settings, make_token, message: str
) -> None:
    response = client.get(f"/accounts/confirm/{make_token(newcomer, settings)}/")

    assert response.status_code == 400
    assert message in response.content.decode()
    newcomer.refresh_from_db()
    assert not newcomer.email_confirmed


def test_the_genuine_confirmation_link_confirms(client: Client, newcomer: User, settings) -> None:
    response = client.get(f"/accounts/confirm/{_genuine(newcomer, settings)}/")

    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.email_confirmed


def test_the_service_refuses_a_tampered_token_with_a_code(newcomer: User, settings) -> None:
    with pytest.raises(DomainError) as caught:
        services.email_confirm(token=_tampered(newcomer, settings))
    assert caught.value.code == "invalid_token"
    assert services.email_confirm(token=_genuine(newcomer, settings)).user.email_confirmed


@pytest.mark.parametrize("email", ["RESIDENT@example.org", "resident@EXAMPLE.ORG", " Resident@Example.org "])
def test_signup_with_a_registered_email_creates_nothing_and_warns_its_owner(
    client: Client, resident: User, form_data: dict[str, str], email: str
) -> None:
    response = client.post(SIGNUP, {**form_data, "email": email})

    # The same answer as a fresh sign-up: the form does not tell that the address is known.
    assert response.status_code == 302
    assert response["Location"] == DONE
    assert not User.objects.filter(username="ivan").exists()
    assert User.objects.filter(email__iexact="resident@example.org").count() == 1
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["resident@example.org"]
    assert path_in(letter, "/accounts/password-reset/") == "/accounts/password-reset/"
    assert not [p for p in paths_in(letter) if p.startswith("/accounts/confirm/")]


@pytest.mark.parametrize("username", ["resident", "RESIDENT", " Resident "])
def test_signup_with_a_taken_username_is_a_field_error(
    client: Client, resident: User, form_data: dict[str, str], username: str
) -> None:
    response = client.post(SIGNUP, {**form_data, "username": username})

    assert_refused(response, "username", "Это имя пользователя уже занято.")


@pytest.mark.parametrize(
    ("password1", "password2", "field"),
    [
        ("password", "password", "password1"),  # too common
        ("1234567890123", "1234567890123", "password1"),  # only digits
        ("x7!k", "x7!k", "password1"),  # too short
        ("ivan@example.org", "ivan@example.org", "password1"),  # the e-mail itself
        (PASSWORD, PASSWORD + "!", "password2"),  # they differ
    ],
)
@pytest.mark.django_db
def test_weak_or_mismatched_passwords_are_refused(
    client: Client, form_data: dict[str, str], password1: str, password2: str, field: str
) -> None:
    response = client.post(SIGNUP, {**form_data, "password1": password1, "password2": password2})

    assert_refused(response, field)


@pytest.mark.parametrize(
    "username", ["<script>alert(1)</script>", "<b>ivan</b>", 'ivan" onmouseover="alert(1)', "иван пётр"]
)
@pytest.mark.django_db
def test_markup_and_spaces_in_the_username_are_refused(
    client: Client, form_data: dict[str, str], username: str
) -> None:
    response = client.post(SIGNUP, {**form_data, "username": username})

    assert_refused(response, "username")
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.parametrize(
    "overrides",
    [
        {"username": "i" * 10_000},
        {"email": "i" * 10_000 + "@example.org"},
        {"password1": "Aa1!" * 2_500, "password2": "Aa1!" * 2_500},
    ],
    ids=["username", "email", "password"],
)
@pytest.mark.django_db
def test_ten_thousand_character_fields_are_refused(
    client: Client, form_data: dict[str, str], overrides: dict[str, str]
) -> None:
    response = client.post(SIGNUP, {**form_data, **overrides})

    assert_refused(response, next(iter(overrides)))


@pytest.mark.parametrize("missing", ["username", "email", "password1", "password2", "consent"])
@pytest.mark.django_db
def test_every_field_is_required(client: Client, form_data: dict[str, str], missing: str) -> None:
    del form_data[missing]

    response = client.post(SIGNUP, form_data)

    required = {
        "consent": "Без согласия на обработку персональных данных мы не можем создать учётную запись."
    }
    assert_refused(response, missing, required.get(missing, "Обязательное поле."))


@pytest.mark.django_db
def test_the_service_keeps_the_address_in_lower_case_and_the_name_trimmed() -> None:
    user = services.user_signup(
        username="  Ivan ", email="Ivan.Petrov@Example.ORG", password=PASSWORD, consent=True
    )

    assert user is not None
    user.refresh_from_db()
    assert (user.username, user.email) == ("Ivan", "ivan.petrov@example.org")
    assert (
        services.user_signup(
            username="other", email="IVAN.PETROV@example.org", password=PASSWORD, consent=True
        )
        is None
    )
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("email", "letters"),
    [
        ("newcomer@example.org", 1),
        ("NEWCOMER@example.org", 1),
        ("resident@example.org", 0),
        ("x@example.org", 0),
    ],
)
def test_a_new_confirmation_link_goes_only_to_unconfirmed_accounts(
    client: Client, newcomer: User, resident: User, email: str, letters: int
) -> None:
    response = client.post("/accounts/confirm/resend/", {"email": email})

    # The same answer whether or not the address is known.
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert len(mail.outbox) == letters
    if letters:
        client.get(path_in(mail.outbox[0], "/accounts/confirm/"))
        newcomer.refresh_from_db()
        assert newcomer.email_confirmed


@pytest.mark.django_db
@pytest.mark.language("en")
def test_the_sixth_signup_from_one_address_in_an_hour_answers_429(
    client: Client, form_data: dict[str, str]
) -> None:
    limit = limit_for("signup")
    wait_for_fresh_window(limit.seconds)

    for i in range(limit.count):
        response = client.post(SIGNUP, {**form_data, "username": f"u{i}", "email": f"u{i}@example.org"})
        assert response.status_code == 302
    response = client.post(SIGNUP, form_data)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= limit.seconds
    assert "Too many requests" in response.content.decode()
    assert not User.objects.filter(username="ivan").exists()
    assert User.objects.count() == limit.count


@pytest.mark.django_db
def test_a_weak_password_is_said_with_the_other_errors_at_the_first_try(
    client: Client, form_data: dict[str, str]
) -> None:
    """Unticked consent and a weak password: both are said at once, not the password on a second try."""
    data = {**form_data, "password1": "12345678", "password2": "12345678"}
    del data["consent"]

    response = client.post(SIGNUP, data)

    errors = response.context["form"].errors
    assert response.status_code == 400 and set(errors) == {"consent", "password1"}
    assert "Введённый пароль состоит только из цифр." in errors["password1"]
    assert not User.objects.exists()
