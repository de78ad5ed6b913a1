"""Django admin for initiatives: read-only, since every write goes through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from veche.initiatives.models import ImplementationMilestone, Initiative, InitiativePolicy, InitiativeSupport


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SupportInline(ReadOnlyInline):
    model = InitiativeSupport
    fields = readonly_fields = ("user", "tier", "district", "receipt", "created_at")


class MilestoneInline(ReadOnlyInline):
    model = ImplementationMilestone
    fields = readonly_fields = ("title", "due", "done_at")


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["title", "municipality", "status", "supporters_count", "support_threshold", "answer_due"]
    list_filter = ["status", "municipality"]
    search_fields = ["title"]
    raw_id_fields = ["author", "answered_by", "hidden_by"]
    inlines = [MilestoneInline, SupportInline]


@admin.register(InitiativePolicy)
class InitiativePolicyAdmin(ReadOnlyAdmin):
    """Policies are set on the municipality's staff page, where the change is checked and audited."""

    list_display = ["municipality", "threshold_kind", "support_threshold", "support_percent", "scope"]
