from django.contrib import admin

from veche.moderation.models import Flag


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin[Flag]):
    list_display = ["created_at", "municipality", "reason", "content_type", "object_id", "resolution"]
    list_filter = ["municipality", "reason", "resolution"]
