"""Recognition in the Django admin (platform admins): the rules, saved through the services as the
staff pages save them (audited); the ledger of points read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from veche.notifications.messages import render
from veche.recognition import services
from veche.recognition.models import BadgeRule, PointEntry, PointRule


@admin.register(PointRule)
class PointRuleAdmin(admin.ModelAdmin[PointRule]):
    list_display = ["municipality", "action", "points", "daily_limit", "active"]
    list_filter = ["municipality", "action", "active"]
    fields = ["municipality", "action", "points", "daily_limit", "active"]

    def get_readonly_fields(self, request: HttpRequest, obj: PointRule | None = None) -> list[str]:
        # Every municipality has one rule per action, made with the defaults: only its values change.
        return ["municipality", "action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PointRule | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PointRule, form: Any, change: bool) -> None:
        stored = PointRule.objects.select_related("municipality").get(pk=obj.pk)
        data = form.cleaned_data
        services.point_rule_save(
            actor=request.user,  # type: ignore[arg-type]
            rule=stored,
            points=data["points"],
            daily_limit=data["daily_limit"],
            active=data["active"],
        )


@admin.register(BadgeRule)
class BadgeRuleAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ["name_ru", "name_en", "municipality", "code", "condition", "threshold", "active"]
    list_filter = ["municipality", "condition", "active"]
    fields = ["municipality", "name", "code", "condition", "threshold", "description", "active"]

    def save_model(self, request: HttpRequest, obj: BadgeRule, form: Any, change: bool) -> None:
        data = form.cleaned_data
        saved = services.badge_rule_save(
            actor=request.user,  # type: ignore[arg-type]
            municipality=data["municipality"],
            badge=BadgeRule.objects.get(pk=obj.pk) if change else None,
            code=data["code"],
            condition=data["condition"],
            threshold=data["threshold"],
            name_ru=data["name_ru"],
            name_en=data.get("name_en"),
            description_ru=data.get("description_ru"),
            description_en=data.get("description_en"),
            active=data["active"],
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: BadgeRule) -> None:
        services.badge_rule_delete(actor=request.user, municipality=obj.municipality, badge=obj)  # type: ignore[arg-type]


@admin.register(PointEntry)
class PointEntryAdmin(admin.ModelAdmin[PointEntry]):
    """Read-only: the ledger of points is append-only."""

    list_display = [
        "created_at",
        "user",
        "municipality",
        "action",
        "kind",
        "points",
        "subject",
        "reason_words",
    ]
    list_filter = ["municipality", "action", "kind"]
    search_fields = ["subject", "user__username"]

    @admin.display(description="reason")
    def reason_words(self, obj: PointEntry) -> str:
        return render(obj.reason) if obj.reason else ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PointEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: PointEntry | None = None) -> bool:
        return False
