"""Django admin for budgeting: read-only, since every write goes through the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from veche.budgeting.models import Budget, Process, Proposal, Tally


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BudgetInline(admin.TabularInline[Budget, Process]):
    model = Budget
    extra = 0
    fields = readonly_fields = ("district", "amount")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Process)
class ProcessAdmin(ReadOnly):
    list_display = ["title", "municipality", "phase", "ballot_kind", "rule", "created_at"]
    list_filter = ["phase", "ballot_kind", "rule", "municipality"]
    search_fields = ["title"]
    inlines = [BudgetInline]


@admin.register(Proposal)
class ProposalAdmin(ReadOnly):
    list_display = ["title", "process", "budget", "status", "estimated_cost", "reviewed_cost"]
    list_filter = ["status"]
    search_fields = ["title", "code"]
    raw_id_fields = ["author", "reviewed_by"]


@admin.register(Tally)
class TallyAdmin(ReadOnly):
    list_display = ["budget", "rule", "utilities", "tie_breaking", "voters", "total_cost", "counted_at"]
    list_filter = ["rule"]
