"""Forms of the selection and the implementation: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField
from veche.crowdprojects.models import (
    MONITORING_MAX_LENGTH,
    RESPONSIBLE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Milestone,
    Verdict,
)
from veche.municipalities.models import Department, Municipality
from veche.reports.forms import MultiplePhotoField

DECISIONS = [("yes", _("taken up")), ("no", _("not taken up"))]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = MarkdownField(
        label=_("Reason"), help_text=_("Public: why the idea is or is not taken up (Markdown).")
    )
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none(), required=False
    )
    responsible = forms.CharField(
        label=_("Or who else will do it"), max_length=RESPONSIBLE_MAX_LENGTH, required=False
    )
    planned_by = forms.DateField(
        label=_("To be done by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(municipality=municipality).order_by("name")
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    def service_args(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["selected"] = data.pop("decision") == "yes"
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=TITLE_MAX_LENGTH)
    description = MarkdownField(label=_("Description"), required=False)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneUpdateForm(forms.Form):
    text = MarkdownField(label=_("What was done"))
    progress = forms.IntegerField(label=_("Progress, %"), min_value=0, max_value=100)
    photos = MultiplePhotoField(label=_("Photos"))


class MonitoringForm(forms.Form):
    verdict = forms.ChoiceField(label=_("What you see"), choices=Verdict.choices, widget=forms.RadioSelect)
    milestone = forms.ModelChoiceField(
        label=_("Milestone"),
        queryset=Milestone.objects.none(),
        required=False,
        empty_label=_("the whole idea"),
    )
    text = forms.CharField(
        label=_("Your report"), max_length=MONITORING_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = MultiplePhotoField(label=_("Photos"))

    def __init__(self, *args: Any, milestones: list[Milestone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = Milestone.objects.filter(pk__in=[m.pk for m in milestones])  # type: ignore[attr-defined]


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Your rating of the result"),
        help_text=_("From 1 (poor) to 5 (excellent)."),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
