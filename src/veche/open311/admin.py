"""Django admin for platform admins: keys can be seen and revoked, service attributes edited; every
change goes through the services, so it is checked and audited like one made on the staff pages."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from veche.core.errors import DomainError
from veche.open311 import services
from veche.open311.models import ApiKey, ServiceAttribute

ATTRIBUTE_FIELDS = [
    "code",
    "variable",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ["name", "municipality", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["municipality"]
    search_fields = ["name", "prefix"]
    readonly_fields = [
        "municipality",
        "name",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A key's secret is shown once, on the staff page or by `veche open311 key create`.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset.filter(revoked_at__isnull=True).select_related("municipality"):
            services.api_key_revoke(actor=request.user, api_key=api_key)  # type: ignore[arg-type]
        messages.success(request, _("Revoked."))


class ServiceAttributeAdminForm(forms.ModelForm[ServiceAttribute]):
    class Meta:
        model = ServiceAttribute
        fields = ["category", *ATTRIBUTE_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            fields: dict[str, Any] = {name: data.get(name) for name in ATTRIBUTE_FIELDS}
            data.update(services.service_attribute_clean(**fields))
        except DomainError as error:
            raise ValidationError(dict(error.fields)) from None
        return data


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin[ServiceAttribute]):
    form = ServiceAttributeAdminForm
    list_display = ["category", "code", "datatype", "required", "order"]
    list_filter = ["category__municipality", "datatype"]
    list_select_related = ["category"]
    raw_id_fields = ["category"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["category"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ServiceAttribute, form: Any, change: bool) -> None:
        stored = (
            ServiceAttribute.objects.select_related("category__municipality").get(pk=obj.pk)
            if change
            else None
        )
        saved = services.service_attribute_save(
            actor=request.user,  # type: ignore[arg-type]
            category=stored.category if stored is not None else form.cleaned_data["category"],
            attribute=stored,
            **{name: form.cleaned_data[name] for name in ATTRIBUTE_FIELDS},
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: ServiceAttribute) -> None:
        services.service_attribute_delete(actor=request.user, attribute=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ServiceAttribute]) -> None:
        for attribute in queryset.select_related("category__municipality"):
            services.service_attribute_delete(actor=request.user, attribute=attribute)  # type: ignore[arg-type]
