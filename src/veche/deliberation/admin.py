"""Django admin for deliberations: read-only, since every write goes through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from veche.deliberation.models import Deliberation, Map, Statement


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Deliberation)
class DeliberationAdmin(ReadOnly, admin.ModelAdmin[Deliberation]):
    list_display = [
        "title",
        "municipality",
        "project",
        "opens_at",
        "closes_at",
        "published_at",
        "vote_serial",
    ]
    list_filter = ["municipality"]
    search_fields = ["title"]
    raw_id_fields = ["created_by", "project", "department"]


@admin.register(Statement)
class StatementAdmin(ReadOnly, admin.ModelAdmin[Statement]):
    list_display = ["number", "deliberation", "status", "is_seed", "created_at"]
    list_filter = ["status"]
    search_fields = ["text"]
    raw_id_fields = ["deliberation", "author", "participant", "moderated_by", "hidden_by", "municipality"]


@admin.register(Map)
class MapAdmin(ReadOnly, admin.ModelAdmin[Map]):
    list_display = ["deliberation", "k", "reason", "n_participants", "n_votes", "computed_at", "seconds"]
    exclude = ["state"]
    raw_id_fields = ["deliberation"]
