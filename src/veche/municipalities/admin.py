from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from veche.municipalities.models import CalendarDay, Category, Department, District, Membership, Municipality

# The Translation* admin classes show each translated field once per language (name [ru], name [en]).


class DistrictInline(TranslationTabularInline):  # type: ignore[type-arg]
    model = District
    extra = 0
    fields = ["name", "slug"]


@admin.register(Municipality)
class MunicipalityAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ["name_ru", "name_en", "slug", "region", "is_active"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [DistrictInline]


@admin.register(Department, Category)
class NamedAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ["name_ru", "name_en", "municipality"]
    list_filter = ["municipality"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "municipality", "role", "department"]
    list_filter = ["municipality", "role"]
    raw_id_fields = ["user"]


admin.site.register([CalendarDay])
