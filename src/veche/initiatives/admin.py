"""Django admin for initiatives: read-only, since every write goes through the services."""

from django.contrib import admin

from veche.initiatives.models import ImplementationMilestone, Initiative, InitiativePolicy, InitiativeSupport
from veche.petitions.admin import PetitionAdmin, ReadOnlyAdmin, ReadOnlyInline


class SupportInline(ReadOnlyInline):
    model = InitiativeSupport
    fields = readonly_fields = ("user", "tier", "district", "receipt", "created_at")


class MilestoneInline(ReadOnlyInline):
    model = ImplementationMilestone
    fields = readonly_fields = ("title", "due", "done_at")


@admin.register(Initiative)
class InitiativeAdmin(PetitionAdmin):
    inlines = [MilestoneInline, SupportInline]


@admin.register(InitiativePolicy)
class InitiativePolicyAdmin(ReadOnlyAdmin):
    """Policies are set on the municipality's staff page, where the change is checked and audited."""

    list_display = ["municipality", "threshold_kind", "support_threshold", "support_percent", "scope"]
