"""The profile page: settings, personal API tokens, and deleting the account."""

from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client

from veche.accounts.models import ApiToken, User
from veche.accounts.tests.helpers import logged_in_user_id, path_in
from veche.comments.models import Comment
from veche.comments.services import comment_create
from veche.core.testing import PASSWORD
from veche.municipalities.models import Municipality

PROFILE = "/accounts/profile/"
DELETE = "/accounts/delete/"


@pytest.fixture
def browser(client_for: Callable[[User | None], Client], resident: User) -> Client:
    return client_for(resident)


@pytest.fixture
def profile_data() -> dict[str, str]:
    return {"display_name": "Ivan Petrov", "language": "en", "email_notifications": "on"}


@pytest.mark.parametrize(
    ("display_name", "stored"),
    [
        ("Ivan Petrov", "Ivan Petrov"),
        ("<b>Ivan</b> Petrov", "Ivan Petrov"),
        ("<script>alert(1)</script>Ivan", "Ivan"),
        ('<img src=x onerror="alert(1)">Ivan', "Ivan"),
    ],
)
def test_profile_update_stores_the_name_without_markup(
    browser: Client, resident: User, profile_data: dict[str, str], display_name: str, stored: str
) -> None:
    response = browser.post(PROFILE, {**profile_data, "display_name": display_name})

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.display_name == stored
    assert resident.public_name == stored
    assert "<script>alert(1)" not in browser.get(PROFILE).content.decode()


def test_an_ampersand_in_the_display_name_is_kept_as_typed(
    browser: Client, resident: User, profile_data: dict[str, str]
) -> None:
    response = browser.post(PROFILE, {**profile_data, "display_name": "Tom & Jerry"})

    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.display_name == "Tom & Jerry"


def test_profile_update_sets_language_and_notifications(
    browser: Client, resident: User, profile_data: dict[str, str]
) -> None:
    assert resident.email_notifications is True
    del profile_data["email_notifications"]  # an unticked checkbox is not sent

    response = browser.post(PROFILE, profile_data)

    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    resident.refresh_from_db()
    assert (resident.language, resident.email_notifications) == ("en", False)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"language": "xx"}, "language"), ({"display_name": "я" * 101}, "display_name")],
)
def test_profile_update_refuses_bad_values(
    browser: Client, resident: User, profile_data: dict[str, str], overrides: dict[str, str], field: str
) -> None:
    response = browser.post(PROFILE, {**profile_data, **overrides})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    resident.refresh_from_db()
    assert (resident.display_name, resident.language) == ("", "ru")


@pytest.mark.parametrize("path", [PROFILE, DELETE, "/accounts/verify/testgrad/"])
def test_account_pages_need_a_login(client: Client, municipality: Municipality, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={path}")


def test_a_token_made_on_the_profile_page_is_shown_once_and_works(browser: Client, resident: User) -> None:
    response = browser.post("/accounts/tokens/", {"name": "my <i>script</i>"})

    assert response.status_code == 302
    token = ApiToken.objects.get(user=resident)
    assert token.name == "my script"
    first = browser.get(PROFILE).context
    secret = first["new_token"]
    assert secret.startswith(token.prefix + ".")
    assert browser.get(PROFILE).context["new_token"] is None
    assert secret not in browser.get(PROFILE).content.decode()
    me = Client().get("/api/v1/me", headers={"authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert me.json()["username"] == "resident"


def test_a_revoked_token_stops_working(browser: Client, resident: User) -> None:
    browser.post("/accounts/tokens/", {"name": "cron"})
    secret = browser.get(PROFILE).context["new_token"]
    token = ApiToken.objects.get(user=resident)

    response = browser.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    me = Client().get("/api/v1/me", headers={"authorization": f"Bearer {secret}"})
    assert me.status_code == 401


def test_nobody_revokes_someone_elses_token(
    browser: Client, make_user: Callable[..., User], api_for: Callable[[User], Client]
) -> None:
    other = make_user("other")
    api_for(other)
    token = ApiToken.objects.get(user=other)

    response = browser.post(f"/accounts/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.language("en")
def test_a_token_needs_a_name(browser: Client, resident: User) -> None:
    response = browser.post("/accounts/tokens/", {"name": ""}, follow=True)

    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.filter(user=resident).exists()


@pytest.fixture
def leaving(make_user: Callable[..., User], municipality: Municipality, api_for: Callable[[User], Client]):
    """A person with a comment, an API token and a signed-in browser, about to delete the account."""
    user = make_user("olga_petrova", display_name="Olga Petrova")
    comment = comment_create(author=user, municipality=municipality, target=municipality, body="Fix the road")
    api = api_for(user)
    browser = Client()
    browser.force_login(user)
    return user, comment, api, browser


@pytest.mark.parametrize(
    "data",
    [{"password": "wrong", "confirm": "on"}, {"password": PASSWORD}, {"confirm": "on"}],
    ids=["wrong-password", "not-confirmed", "no-password"],
)
def test_account_deletion_needs_the_password_and_the_tick(leaving, data: dict[str, str]) -> None:
    user, _comment, api, browser = leaving

    response = browser.post(DELETE, data)

    assert response.status_code == 400
    user.refresh_from_db()
    assert (user.username, user.email, user.deleted_at) == ("olga_petrova", "olga_petrova@example.org", None)
    assert logged_in_user_id(browser) == str(user.pk)
    assert api.get("/api/v1/me").status_code == 200


def test_account_deletion_anonymises_and_keeps_what_was_written(leaving, municipality: Municipality) -> None:
    user, comment, api, browser = leaving

    response = browser.post(DELETE, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.username.startswith("deleted-")
    assert (user.email, user.display_name, user.is_active) == ("", "", False)
    assert user.deleted_at is not None
    assert not user.has_usable_password()
    assert user.public_name == "Удалённая учётная запись"
    # Logged out, and the token is gone.
    assert logged_in_user_id(browser) is None
    assert browser.get("/accounts/profile/").status_code == 302
    assert not ApiToken.objects.filter(user=user).exists()
    assert api.get("/api/v1/me").status_code == 401
    # The comment stays, signed as a deleted account: in the reader's language.
    assert Comment.objects.get(pk=comment.pk).author_id == user.pk
    comments = f"/api/v1/municipalities/{municipality.slug}/comments"
    for language, signature in [("ru", "Удалённая учётная запись"), ("en", "Deleted account")]:
        listed = Client(headers={"accept-language": language}).get(comments).json()["items"]
        assert [(c["id"], c["author"], c["body"]) for c in listed] == [
            (comment.pk, signature, "Fix the road")
        ]
    page = Client().get(f"/m/{municipality.slug}/").content.decode()
    assert "Fix the road" in page
    assert "Удалённая учётная запись" in page
    assert "olga_petrova" not in page and "Olga Petrova" not in page


def test_a_deleted_account_cannot_log_in_and_its_address_is_free_again(leaving) -> None:
    _user, _comment, _api, browser = leaving
    browser.post(DELETE, {"password": PASSWORD, "confirm": "on"})
    client = Client()

    for name in ("olga_petrova", "olga_petrova@example.org"):
        response = client.post("/accounts/login/", {"username": name, "password": PASSWORD})
        assert response.status_code == 400
    signup = {
        "username": "olga2",
        "email": "olga_petrova@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
    }
    assert client.post("/accounts/signup/", signup).status_code == 302
    new = User.objects.get(username="olga2")
    assert new.email == "olga_petrova@example.org"
    assert path_in(mail.outbox[-1], "/accounts/confirm/")
