from django.contrib import admin

from veche.municipalities.models import CalendarDay, Category, Department, District, Membership, Municipality


class DistrictInline(admin.TabularInline[District, Municipality]):
    model = District
    extra = 0
    fields = ["name", "name_en", "slug"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ["name", "name_en", "slug", "region", "is_active"]
    prepopulated_fields = {"slug": ["name_en"]}
    inlines = [DistrictInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "municipality", "role", "department"]
    list_filter = ["municipality", "role"]
    raw_id_fields = ["user"]


admin.site.register([Department, Category, CalendarDay])
