"""Forms of accounts: they parse input; the services decide."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from veche.accounts.models import User
from veche.accounts.verification.providers import CHANNEL_LABELS, code_providers
from veche.municipalities.models import District, Municipality


class Ticked(forms.CheckboxInput):
    """A checkbox that counts as ticked only for what browsers send for a ticked box ("on", or the
    box's value) and the usual spellings of yes: Django's CheckboxInput takes every value but "false"
    as ticked, so a crafted "0", "off" or "no" would have been recorded as consent."""

    TICKED = frozenset({"on", "true", "1", "yes"})

    def value_from_datadict(self, data: Any, files: Any, name: str) -> bool:
        value = data.get(name)
        return isinstance(value, str) and value.strip().lower() in self.TICKED


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=50,
        help_text=_("Shown next to what you write. Letters, digits and @/./+/-/_."),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )

    # Unticked by default: consent under 152-FZ is an act of the person, never a default.
    consent = forms.BooleanField(
        required=True,
        widget=Ticked,
        error_messages={
            "required": _(
                "Without your consent to the processing of personal data we cannot create an account."
            )
        },
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # The rules are shown before the first try, in the active language, from the validators
        # that will judge the password (so they cannot disagree with the error messages).
        self.fields["password1"].help_text = " ".join(
            str(text) for text in password_validation.password_validators_help_texts()
        )
        # One span: the label is a flex row beside its box, and loose text and a link would
        # become three squeezed columns of it on a phone.
        self.fields["consent"].label = format_html(
            '<span>{} (<a href="{}">{}</a>)</span>',
            _("I consent to the processing of my personal data"),
            reverse("accounts:consent"),
            _("what this means"),
        )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        password = data.get("password1")
        if password and password != data.get("password2"):
            self.add_error("password2", _("The passwords differ."))
        elif isinstance(password, str):
            # Said with the form's other errors, so that a refused sign-up tells everything at once
            # (the service checks again with the same validators).
            candidate = User(username=str(data.get("username") or ""), email=str(data.get("email") or ""))
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as refused:
                self.add_error("password1", refused)
        return data


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    email_notifications = forms.BooleanField(label=_("Notify me by e-mail"), required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), max_length=128, widget=forms.PasswordInput)
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."))


class CodeRequestForm(forms.Form):
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    channel = forms.ChoiceField(label=_("Send the code by"))
    destination = forms.CharField(label=_("Postal address or phone number"), max_length=300)

    def __init__(self, *args: object, municipality: Municipality, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district"].queryset = municipality.districts.all()  # type: ignore[attr-defined]
        self.fields["channel"].choices = [  # type: ignore[attr-defined]
            (p.channel, CHANNEL_LABELS.get(p.channel or "", p.label)) for p in code_providers()
        ]


class CodeConfirmForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
