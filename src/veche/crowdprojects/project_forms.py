"""Forms of the staff pages of a project: its settings, a new project, its timeline row by row.
They parse input; the services decide. Times are read in the municipality's zone (the view's
`access_municipality` activates it)."""

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField, ModelMultipleChoiceField
from veche.crowdprojects.models import (
    STAGE_TITLE_MAX_LENGTH,
    STAGES_MAX,
    TITLE_MAX_LENGTH,
    Project,
    ProjectTier,
    Stage,
    StageKind,
    VotingMethod,
)
from veche.crowdprojects.stages import TEMPLATES
from veche.municipalities.models import Department, District, Municipality
from veche.polls.forms import DATETIME_INPUT, LocalDateTimeInput


def moment_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    """A date and time typed in the municipality's zone (the staff pages' one widget for it)."""
    return forms.DateTimeField(
        label=label, widget=LocalDateTimeInput(), input_formats=[DATETIME_INPUT], **kwargs
    )


class TakingPartFields(forms.Form):
    """Who organises and who may take part: a department of the municipality (or the administration
    itself), the tier and the districts. Shared by a project's settings and a standalone
    deliberation's; `limit_to` offers the municipality's own departments and districts."""

    department = forms.ModelChoiceField(
        label=_("Organiser"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("The administration itself"),
        help_text=_("The officials of the organising department run the project with the admins."),
    )
    tier = forms.TypedChoiceField(
        label=_("Who may take part"),
        choices=ProjectTier.choices,
        coerce=int,
        widget=forms.RadioSelect,
        initial=ProjectTier.REGISTERED,
    )
    districts = ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: the whole municipality. Otherwise only residents verified in these districts."),
    )

    def limit_to(self, municipality: Municipality) -> None:
        self.fields["department"].queryset = municipality.departments.order_by("name")  # type: ignore[attr-defined]
        self.fields["districts"].queryset = municipality.districts.order_by("name")  # type: ignore[attr-defined]


class ProjectForm(TakingPartFields):
    """A project's settings."""

    field_order = [
        "title",
        "description",
        "department",
        "tier",
        "districts",
        "voting_method",
        "approval_limit",
    ]

    title = forms.CharField(label=_("Question"), max_length=TITLE_MAX_LENGTH)
    description = MarkdownField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the city asks and what it will do with the answers. Markdown: **bold**, lists."),
    )
    voting_method = forms.ChoiceField(
        label=_("How residents vote"),
        choices=VotingMethod.choices,
        widget=forms.RadioSelect,
        initial=VotingMethod.APPROVAL,
    )
    approval_limit = forms.IntegerField(
        label=_("Ideas a resident may choose"),
        min_value=1,
        max_value=50,
        initial=3,
        help_text=_("For approval voting."),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_to(municipality)

    @staticmethod
    def initial_for(project: Project) -> dict[str, Any]:
        return {
            "title": project.title,
            "description": project.description,
            "department": project.department,
            "tier": project.tier,
            "districts": list(project.districts.all()),
            "voting_method": project.voting_method,
            "approval_limit": project.approval_limit,
        }

    @staticmethod
    def settings(data: dict[str, Any]) -> dict[str, Any]:
        """The cleaned data as the services take it."""
        fields = ("title", "description", "department", "tier", "voting_method", "approval_limit")
        return {**{name: data[name] for name in fields}, "districts": list(data["districts"])}


class NewProjectForm(ProjectForm):
    """A new project: its settings, and the template its timeline starts from on a first date."""

    template = forms.ChoiceField(label=_("Timeline"), widget=forms.RadioSelect, initial="full")
    starts_at = moment_field(
        _("First stage starts"), help_text=_("Each stage then takes its usual length; edit them after.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            (key, format_html("<strong>{}</strong> — {}", template.name, template.description))
            for key, template in TEMPLATES.items()
        ]


class StageForm(forms.Form):
    """One row of the timeline; an untouched blank row adds nothing."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *StageKind.choices])
    title = forms.CharField(
        label=_("Own title"),
        max_length=STAGE_TITLE_MAX_LENGTH,
        required=False,
        help_text=_("Empty: the kind's name."),
    )
    starts_at = moment_field(_("Starts"))
    ends_at = moment_field(_("Ends"))
    description = MarkdownField(
        label=_("What happens"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    @staticmethod
    def initial_for(stage: Stage) -> dict[str, Any]:
        return {
            "kind": stage.kind,
            "title": stage.title,
            "starts_at": stage.starts_at,
            "ends_at": stage.ends_at,
            "description": stage.description,
        }


class _StageFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    deletion_widget = forms.CheckboxInput

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")


# Two blank rows to add stages; at most STAGES_MAX kept, and a bounded number of rows read at all.
StageFormSet = forms.formset_factory(
    StageForm,
    formset=_StageFormSet,
    extra=2,
    can_delete=True,
    max_num=STAGES_MAX,
    absolute_max=STAGES_MAX + 10,
)
