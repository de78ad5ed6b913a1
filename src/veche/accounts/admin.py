from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from veche.accounts.models import User, Verification
from veche.accounts.services import api_tokens_revoke_all


class RevokingPasswordChangeForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
    """A password an administrator sets ends every API token of the account, as a reset does."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        if commit:
            api_tokens_revoke_all(user=user)
        return user


@admin.register(User)
class VecheUserAdmin(UserAdmin[User]):
    change_password_form = RevokingPasswordChangeForm
    list_display = ["username", "email", "display_name", "email_confirmed_at", "is_superuser", "deleted_at"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Veche", {"fields": ("display_name", "language", "email_confirmed_at")}),
        # The record of consent (152-FZ) is evidence: shown, never edited by hand.
        ("Consent", {"fields": ("consent_given_at", "consent_version")}),
    )  # type: ignore[misc]
    readonly_fields = ("consent_given_at", "consent_version")


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin[Verification]):
    list_display = ["user", "municipality", "district", "provider", "created_at"]
    list_filter = ["municipality", "provider"]
    raw_id_fields = ["user", "verified_by"]
