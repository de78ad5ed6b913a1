"""Forms of CrowdWisdom's pages: a rating, a criterion, an expert's invitation and scores."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField
from veche.crowdprojects.models import (
    CRITERION_NAME_MAX_LENGTH,
    EXPERT_NAME_MAX_LENGTH,
    SCORE_MAX,
    STARS_MAX,
    Criterion,
)


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, STARS_MAX + 1)],
        widget=forms.RadioSelect,
    )


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=CRITERION_NAME_MAX_LENGTH)
    description = MarkdownField(label=_("What it means"), required=False)
    weight = forms.IntegerField(label=_("Weight"), min_value=1, max_value=10, initial=1)


class ExpertForm(forms.Form):
    account = forms.CharField(
        label=_("Account"), max_length=254, help_text=_("The expert's user name or e-mail address.")
    )
    public_name = forms.CharField(label=_("Name shown"), max_length=EXPERT_NAME_MAX_LENGTH)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=EXPERT_NAME_MAX_LENGTH, required=False)


class ScoresForm(forms.Form):
    """One idea's scores on every criterion, each with its reason."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                coerce=int,
                choices=[(n, str(n)) for n in range(1, SCORE_MAX + 1)],
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{criterion.pk}"] = MarkdownField(label=_("Why this score"))

    def scores(self) -> dict[int, tuple[int, str]]:
        data = self.cleaned_data
        return {c.pk: (data[f"score_{c.pk}"], data[f"comment_{c.pk}"]) for c in self.criteria}
