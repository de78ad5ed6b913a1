"""Forms of the initiative pages: they parse input; the services decide."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField
from veche.initiatives.models import (
    RESIDENTS_MAX,
    SUPPORT_DAYS_MAX,
    VOTING_DAYS_MAX,
    Scope,
    Status,
    ThresholdKind,
)
from veche.initiatives.selectors import LISTED, ORDERINGS
from veche.municipalities.models import District, Municipality
from veche.petitions.forms import (
    PetitionFilterForm,
    answer_days_field,
    text_field,
    threshold_field,
    title_field,
)
from veche.petitions.models import TITLE_MAX_LENGTH
from veche.reports.forms import MultiplePhotoField


class LocalDateTimeInput(forms.DateTimeInput):
    """A date and time picker; the view reads it in the municipality's time zone."""

    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class InitiativeForm(forms.Form):
    title = title_field(_("What you propose, in one line."))
    body = text_field(
        _("Your initiative"), _("What should be done, where, and why. Markdown: **bold**, lists, links.")
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("The whole municipality"),
        help_text=_("For one district, only its verified residents support the initiative and vote on it."),
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(municipality=municipality)  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    """The official answer: a refusal with reasons, or acceptance with the options to vote on."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept, and let residents vote on ready-made options")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    answer = text_field(
        _("Official answer"),
        _("When rejecting, the reasons. Published on the initiative's page; supporters are notified."),
        rows=8,
    )
    options = forms.CharField(
        label=_("Ready-made options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("When accepting: at least two ways to carry it out, one a line. Residents vote on them."),
    )
    opens_at = forms.DateTimeField(
        label=_("The vote opens"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("Leave empty to open the vote at once."),
    )
    voting_days = forms.IntegerField(
        label=_("The vote lasts, days"), min_value=1, max_value=VOTING_DAYS_MAX, required=False
    )

    def option_list(self) -> list[str]:
        text = self.cleaned_data.get("options") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class DecideForm(forms.Form):
    option = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=TITLE_MAX_LENGTH)
    description = MarkdownField(label=_("Description"), required=False)
    due = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    photos = MultiplePhotoField(label=_("Photos (up to 5, each up to 10 MB)"))


class CompleteForm(forms.Form):
    photos = MultiplePhotoField(label=_("Photos of the work done"))


class PolicyForm(forms.Form):
    support_days = forms.IntegerField(
        label=_("Support window, days"),
        min_value=1,
        max_value=SUPPORT_DAYS_MAX,
        help_text=_("How long a published initiative collects support before it is archived."),
    )
    threshold_kind = forms.ChoiceField(
        label=_("The threshold is"), choices=ThresholdKind.choices, widget=forms.RadioSelect
    )
    support_threshold = threshold_field(_("Supporters needed"), _("For a number."))
    support_percent = forms.DecimalField(
        label=_("Share of residents needed, %"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        help_text=_("For a share: of the municipality's population, or of the district's residents."),
    )
    scope = forms.ChoiceField(
        label=_("The threshold counts residents of"), choices=Scope.choices, widget=forms.RadioSelect
    )
    answer_days = answer_days_field(_("Counted from the day an initiative reaches its threshold."))
    voting_days = forms.IntegerField(
        label=_("Vote on the options, days"), min_value=1, max_value=VOTING_DAYS_MAX
    )

    def __init__(
        self, *args: Any, districts: list[District], residents: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.districts = districts
        for district in districts:
            name = f"residents_{district.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("Residents: %(district)s") % {"district": district.title},
                min_value=1,
                max_value=RESIDENTS_MAX,
                required=False,
                initial=residents.get(district.pk),
            )

    def district_residents(self) -> dict[int, int | None]:
        return {d.pk: self.cleaned_data.get(f"residents_{d.pk}") for d in self.districts}

    def policy_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if not k.startswith("residents_")}


class InitiativeFilterForm(PetitionFilterForm):
    status = PetitionFilterForm.status_field((s, Status(s).label) for s in LISTED)
    district = forms.ModelChoiceField(
        label=_("District"), required=False, queryset=District.objects.none(), empty_label=_("all")
    )
    order = PetitionFilterForm.order_field(
        ("support", _("most supported first")), ("ending", _("support ends soonest"))
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(municipality=municipality)  # type: ignore[attr-defined]

    orderings = tuple(ORDERINGS)

    def filters(self) -> dict[str, Any]:
        return {**super().filters(), "district": self.cleaned_data.get("district")}
