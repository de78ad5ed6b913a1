"""Django admin pieces every petition shares: read-only lists, since every write goes through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PetitionAdmin(ReadOnlyAdmin):
    list_display = ["title", "municipality", "status", "endorsements_count", "threshold", "answer_due"]
    list_filter = ["status", "municipality"]
    search_fields = ["title"]
    raw_id_fields = ["author", "answered_by", "hidden_by"]
