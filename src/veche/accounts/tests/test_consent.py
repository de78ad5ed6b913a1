"""Sign-up asks for consent to the processing of personal data (152-FZ), records it, links the
consent text and the terms of use, and shows the password rules before the first try."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from veche.accounts import services
from veche.accounts.models import User
from veche.accounts.tests.helpers import signup_form
from veche.core.errors import DomainError
from veche.core.testing import PASSWORD

SIGNUP = "/accounts/signup/"
REFUSAL = {
    "ru": "Без согласия на обработку персональных данных мы не можем создать учётную запись.",
    "en": "Without your consent to the processing of personal data we cannot create an account.",
}
# Django's own wording of the validators' rules, in each language.
RULES = {
    "ru": ["Ваш пароль должен содержать как минимум 8 символов.", "Пароль не может состоять только из цифр."],
    "en": ["Your password must contain at least 8 characters.", "Your password can’t be entirely numeric."],
}


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize(
    "consent", [None, "", "0", "off", "no", "false"], ids=["unticked", "empty", "0", "off", "no", "false"]
)
@pytest.mark.django_db
def test_sign_up_without_consent_is_refused_and_writes_nothing(
    client: Client, language: str, consent: str | None
) -> None:
    response = client.post(SIGNUP, signup_form(consent=consent), headers={"accept-language": language})

    assert response.status_code == 400
    assert response.context["form"].errors["consent"] == [REFUSAL[language]]
    assert REFUSAL[language] in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_sign_up_with_consent_records_when_and_which_text(client: Client, settings) -> None:
    settings.VECHE_CONSENT_VERSION = "2026-12-07-test"
    before = timezone.now()

    response = client.post(SIGNUP, signup_form())

    assert response.status_code == 302
    user = User.objects.get(username="ivan")
    assert user.consent_given_at is not None
    assert before <= user.consent_given_at <= timezone.now()
    assert user.consent_version == "2026-12-07-test"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_service_refuses_a_sign_up_without_consent_with_a_field_error() -> None:
    with pytest.raises(DomainError) as caught:
        services.user_signup(username="ivan", email="ivan@example.org", password=PASSWORD, consent=False)

    assert caught.value.code == "consent_required"
    assert caught.value.fields == {"consent": [REFUSAL["ru"]]}
    assert not User.objects.exists()


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.django_db
def test_the_form_shows_the_rules_and_an_unticked_consent_before_the_first_try(
    client: Client, language: str
) -> None:
    response = client.get(SIGNUP, headers={"accept-language": language})

    page = response.content.decode()
    assert response.status_code == 200
    for rule in RULES[language]:
        assert rule in page
    # The rules are the password field's description, so a screen reader reads them with it.
    assert 'aria-describedby="id_password1_helptext"' in page
    assert 'id="id_password1_helptext"' in page
    consent = page[page.index('name="consent"') - 100 : page.index('name="consent"') + 100]
    assert 'type="checkbox"' in consent and "checked" not in consent and "required" in consent
    assert 'href="/accounts/personal-data/"' in page
    assert 'href="/accounts/terms/"' in page


@pytest.mark.parametrize(
    ("path", "language", "words"),
    [
        (
            "/accounts/personal-data/",
            "ru",
            ["Согласие на обработку персональных данных", "152-ФЗ", "ООО «Городские решения»"],
        ),
        (
            "/accounts/personal-data/",
            "en",
            ["Consent to the processing of personal data", "152-FZ", "ООО «Городские решения»"],
        ),
        ("/accounts/terms/", "ru", ["Правила пользования", "Одна учётная запись на одного человека"]),
        ("/accounts/terms/", "en", ["Terms of use", "One account per person"]),
    ],
)
@pytest.mark.django_db
def test_the_consent_text_and_the_terms_are_there_in_both_languages(
    client: Client, settings, path: str, language: str, words: list[str]
) -> None:
    settings.VECHE_OPERATOR_NAME = "ООО «Городские решения»"

    response = client.get(path, headers={"accept-language": language})

    assert response.status_code == 200
    page = response.content.decode()
    for word in words:
        assert word in page
    # Withdrawing consent is deleting the account: the consent text says where.
    if "personal-data" in path:
        assert 'href="/accounts/delete/"' in page


@pytest.mark.django_db
def test_every_page_links_the_terms_and_the_consent_text(client: Client) -> None:
    page = client.get("/").content.decode()
    footer = page[page.index("<footer") :]

    assert 'href="/accounts/terms/"' in footer
    assert 'href="/accounts/personal-data/"' in footer


@pytest.mark.django_db
def test_an_operator_template_replaces_the_consent_text(client: Client, settings, tmp_path) -> None:
    (tmp_path / "accounts" / "legal").mkdir(parents=True)
    (tmp_path / "accounts" / "legal" / "consent_ru.html").write_text(
        "<p>Текст оператора.</p>", encoding="utf-8"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    page = client.get("/accounts/personal-data/").content.decode()

    assert "Текст оператора." in page
    assert "152-ФЗ" not in page
