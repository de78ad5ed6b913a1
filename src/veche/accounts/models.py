"""People, their API tokens and how their residence was verified."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person. E-mail is unique (case-insensitively) among accounts that still have one."""

    email = models.EmailField(_("e-mail"), blank=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    email_notifications = models.BooleanField(_("notify me by e-mail"), default=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    deleted_at = models.DateTimeField(null=True, blank=True)
    # When the person consented to the processing of their personal data (152-FZ) and which
    # version of the text they saw (settings.VECHE_CONSENT_VERSION); empty for older accounts.
    consent_given_at = models.DateTimeField(_("consent to data processing given"), null=True, blank=True)
    consent_version = models.CharField(_("version of the consent text"), max_length=40, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_ci"
            ),
            # Usernames differ by more than case, or two people could pass for one.
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
        ]

    @property
    def public_name(self) -> str:
        if self.deleted_at:
            return str(_("Deleted account"))
        return self.display_name or self.username

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class ApiToken(models.Model):
    """A personal API token; only a hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Verification(models.Model):
    """That a person is a resident of a municipality (and of which district), and how we know."""

    class Provider(models.TextChoices):
        IN_PERSON = "in_person", _("in person, by an official")
        CODE_LETTER = "code_letter", _("code sent by letter")
        CODE_SMS = "code_sms", _("code sent by SMS")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verifications")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="verifications"
    )
    district = models.ForeignKey(
        "municipalities.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The key of a provider in VERIFICATION_PROVIDERS (the built-in ones are listed above).
    provider = models.CharField(max_length=40)
    verified_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "municipality"], name="verification_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.municipality}"

    @property
    def provider_label(self) -> str:
        from veche.accounts.verification.providers import label_of

        return label_of(self.provider)


class VerificationCode(models.Model):
    """A one-time code sent to a resident's address or phone; only its hash is kept."""

    class Channel(models.TextChoices):
        LETTER = "letter", _("letter to my address")
        SMS = "sms", _("SMS to my phone")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey("municipalities.District", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"code for {self.user} @ {self.municipality}"
