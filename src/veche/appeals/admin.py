"""Django admin for appeals: read-only, since every write goes through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from veche.appeals.models import Appeal, AppealPolicy, AppealSignature
from veche.appeals.services import appeal_policy_save
from veche.petitions.admin import PetitionAdmin, ReadOnlyInline


class SignatureInline(ReadOnlyInline):
    model = AppealSignature
    fields = readonly_fields = ("user", "tier", "created_at")


@admin.register(Appeal)
class AppealAdmin(PetitionAdmin):
    inlines = [SignatureInline]


@admin.register(AppealPolicy)
class AppealPolicyAdmin(admin.ModelAdmin[AppealPolicy]):
    """Platform admins may change a policy here too; the change is saved (and audited) by the service."""

    list_display = ["municipality", "signature_threshold", "answer_days"]
    fields = ["municipality", "signature_threshold", "answer_days"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["municipality"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = appeal_policy_save(
            actor=request.user,  # type: ignore[arg-type]
            municipality=obj.municipality,
            signature_threshold=obj.signature_threshold,
            answer_days=obj.answer_days,
        )
        obj.pk = saved.pk
