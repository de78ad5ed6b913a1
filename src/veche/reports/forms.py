"""Forms of reports: they parse input; the services decide."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from veche.municipalities.models import Category, Department, District, Municipality
from veche.reports.models import AnswerTemplate, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to several photos in one field; the service checks count and content."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


class ReportForm(forms.Form):
    """The place comes from the map (marker, "My location", the map's centre, an address found) into
    the latitude and longitude inputs; without a script a person types them (see `clean`)."""

    category = forms.ModelChoiceField(label=_("What is the problem?"), queryset=Category.objects.none())
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("found from the place"),
        help_text=_("Choose one if you know it; otherwise the place on the map decides."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=settings.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = MultiplePhotoField(label=_("Photos (up to 5, each up to 10 MB)"))

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = municipality.categories.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["district"].queryset = municipality.districts.all()  # type: ignore[attr-defined]
        # On a phone the camera opens at once: the report is made in front of the problem.
        self.fields["photos"].widget.attrs["capture"] = "environment"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Both inputs are optional to the browser so that one message, not two, says what is missing.
        missing = [name for name in ("latitude", "longitude") if data.get(name) is None]
        if missing and not any(name in self.errors for name in ("latitude", "longitude")):
            self.add_error(
                "latitude",
                _("Put the place on the map, or type its coordinates under “Enter coordinates”."),
            )
        return data


def seen_reports(value: str) -> set[int]:
    """The reports a resident was shown as possible duplicates before sending (the hidden `confirm`
    field: ids separated by commas); anything else in it is ignored."""
    return {int(part) for part in value.split(",")[:50] if part.strip().isdigit() and len(part.strip()) < 19}


class FilterForm(forms.Form):
    category = forms.SlugField(label=_("Category"), required=False)
    district = forms.SlugField(label=_("District"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("any")), ("open", _("open"))] + list(Status.choices),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    # Only for a signed-in person (the list ignores it for anyone else).
    mine = forms.BooleanField(label=_("Only mine"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Reason"), max_length=settings.TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Start from a template"), queryset=AnswerTemplate.objects.none(), required=False
    )
    note = forms.CharField(
        label=_("Answer to the resident"),
        max_length=settings.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = MultiplePhotoField(label=_("Photos of the result"))

    def __init__(
        self, *args: Any, municipality: Municipality, category: Category | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        templates = AnswerTemplate.objects.filter(municipality=municipality)
        if category is not None:
            templates = templates.filter(category__in=[category.pk]) | templates.filter(category__isnull=True)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]


class ReassignForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    note = forms.CharField(
        label=_("Reason"), max_length=settings.TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = municipality.departments.all()  # type: ignore[attr-defined]


class WorkspaceFilterForm(FilterForm):
    # Bounded, so that a number no database column can hold is refused here, not by the database.
    department = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )


class BulkForm(forms.Form):
    ACTIONS = [
        ("moderate", _("Pass moderation")),
        ("start", _("Take into work")),
        ("reassign", _("Send to another department")),
    ]
    action = forms.ChoiceField(label=_("With the selected reports"), choices=ACTIONS)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    note = forms.CharField(label=_("Reason"), max_length=1000, required=False)
    reports = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args: Any, municipality: Municipality, report_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = municipality.departments.all()  # type: ignore[attr-defined]
        self.fields["reports"].choices = [(pk, str(pk)) for pk in report_ids]  # type: ignore[attr-defined]
