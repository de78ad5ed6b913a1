"""Django admin for the roll-ups: read-only (`veche analytics rollup` and the beat task write them)."""

from django.contrib import admin

from veche.analytics.models import MonthlyFact, MonthlyParticipant, PeriodFigure, Watermark
from veche.petitions.admin import ReadOnlyAdmin


@admin.register(Watermark)
class WatermarkAdmin(ReadOnlyAdmin):
    list_display = ["source", "last_id", "updated_at"]


@admin.register(MonthlyFact)
class MonthlyFactAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "month", "metric", "key", "bucket", "value"]
    list_filter = ["metric", "municipality"]
    list_select_related = ["municipality"]


@admin.register(MonthlyParticipant)
class MonthlyParticipantAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "month", "user", "actions"]
    list_filter = ["municipality"]
    list_select_related = ["municipality", "user"]
    raw_id_fields = ["user"]


@admin.register(PeriodFigure)
class PeriodFigureAdmin(ReadOnlyAdmin):
    list_display = ["municipality", "start", "end", "metric", "value", "computed_at"]
    list_filter = ["metric", "municipality"]
    list_select_related = ["municipality"]
