from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from veche.municipalities.listings import listings_changed
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

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The lists kept in memory (`municipalities.listings`) show the municipality and its
        districts: an edit here changes their token, as the services' edits do."""
        super().save_related(request, form, formsets, change)
        listings_changed(form.instance.pk)


@admin.register(Department, Category)
class NamedAdmin(TranslationAdmin):  # type: ignore[type-arg]
    list_display = ["name_ru", "name_en", "municipality"]
    list_filter = ["municipality"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        listings_changed(obj.municipality_id)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        listings_changed(obj.municipality_id)
        super().delete_model(request, obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "municipality", "role", "department"]
    list_filter = ["municipality", "role"]
    raw_id_fields = ["user"]


admin.site.register([CalendarDay])
