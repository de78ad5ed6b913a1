"""Forms of reports: they parse input; the services decide."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from veche.municipalities.models import Category, Department, Municipality
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
    category = forms.ModelChoiceField(label=_("What is the problem?"), queryset=Category.objects.none())
    latitude = forms.FloatField(
        label=_("Latitude"), min_value=-90, max_value=90, widget=forms.NumberInput(attrs={"step": "any"})
    )
    longitude = forms.FloatField(
        label=_("Longitude"), min_value=-180, max_value=180, widget=forms.NumberInput(attrs={"step": "any"})
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=settings.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = MultiplePhotoField(label=_("Photos (up to 5, each up to 10 MB)"))

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = municipality.categories.filter(is_active=True)  # type: ignore[attr-defined]


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
