"""Django admin for polls: read-only, since every write goes through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from veche.polls.models import Poll, PollOption


class OptionInline(admin.TabularInline[PollOption, Poll]):
    model = PollOption
    extra = 0
    fields = readonly_fields = ("position", "text")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin[Poll]):
    list_display = ["title", "municipality", "kind", "opens_at", "closes_at", "published_at", "votes_count"]
    list_filter = ["kind", "municipality"]
    search_fields = ["title"]
    raw_id_fields = ["created_by", "published_by", "closed_by"]
    inlines = [OptionInline]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
