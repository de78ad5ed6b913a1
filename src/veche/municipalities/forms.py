"""Forms of the staff pages: they parse input; the services decide."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.municipalities.models import CalendarDay, Category, Department, District, Membership, Municipality


def _geojson_field() -> forms.CharField:
    return forms.CharField(
        label=_("Boundary (GeoJSON Polygon)"),
        required=False,
        max_length=500_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Paste a GeoJSON Polygon or MultiPolygon with [longitude, latitude] points."),
    )


class DistrictForm(forms.ModelForm[District]):
    polygon = _geojson_field()

    class Meta:
        model = District
        fields = ["name", "name_en", "slug", "polygon"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.polygon:
            self.initial["polygon"] = json.dumps(self.instance.polygon)


class BoundaryForm(forms.Form):
    boundary = _geojson_field()

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["boundary"].help_text = _(
            "Reports are taken only inside it. Empty: inside the districts' boundaries, or anywhere "
            "while no district has one."
        )
        if municipality.boundary:
            self.initial["boundary"] = json.dumps(municipality.boundary)


class DepartmentForm(forms.ModelForm[Department]):
    class Meta:
        model = Department
        fields = ["name", "name_en", "email"]


class CategoryForm(forms.ModelForm[Category]):
    class Meta:
        model = Category
        fields = [
            "name",
            "name_en",
            "slug",
            "department",
            "description",
            "moderation_days",
            "answer_days",
            "photo_required",
            "season_start",
            "season_end",
            "is_active",
        ]

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = municipality.departments.all()  # type: ignore[attr-defined]


class CalendarDayForm(forms.ModelForm[CalendarDay]):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_working", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class MembershipForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    department = forms.ModelChoiceField(
        label=_("Department (for officials)"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = municipality.departments.all()  # type: ignore[attr-defined]


class VerifyResidentForm(forms.Form):
    username = forms.CharField(label=_("Resident's username"), max_length=150)
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    documents_seen = forms.BooleanField(label=_("I have seen documents that prove this residence."))

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = municipality.districts.all()  # type: ignore[attr-defined]
