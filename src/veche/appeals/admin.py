"""Django admin for appeals: read-only, since every write goes through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from veche.appeals.models import Appeal, AppealPolicy, AppealSignature
from veche.appeals.services import appeal_policy_save


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SignatureInline(admin.TabularInline):
    model = AppealSignature
    extra = 0
    fields = readonly_fields = ("user", "tier", "created_at")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "municipality",
        "status",
        "signatures_count",
        "signature_threshold",
        "answer_due",
    ]
    list_filter = ["status", "municipality"]
    search_fields = ["title"]
    raw_id_fields = ["author", "answered_by", "hidden_by"]
    inlines = [SignatureInline]


@admin.register(AppealPolicy)
class AppealPolicyAdmin(admin.ModelAdmin):
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
