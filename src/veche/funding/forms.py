"""Forms of the co-financing pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.funding.models import ORGANISATION_NAME_MAX_LENGTH, REFERENCE_MAX_LENGTH, TARGET_MAX
from veche.polls.forms import DATETIME_INPUT, LocalDateTimeInput


class PledgeForm(forms.Form):
    amount = forms.IntegerField(
        label=_("Amount, roubles"),
        min_value=1,
        max_value=TARGET_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1", "min": "1"}),
    )
    organisation_name = forms.CharField(
        label=_("Organisation's name"), max_length=ORGANISATION_NAME_MAX_LENGTH, required=False
    )
    organisation_inn = forms.CharField(
        label=_("INN"),
        max_length=12,
        required=False,
        help_text=_("10 digits for a company, 12 for a sole trader."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class CampaignForm(forms.Form):
    """A new campaign; the deadline is read in the municipality's time zone (the view activates it)."""

    target_amount = forms.IntegerField(
        label=_("Target, roubles"),
        min_value=1,
        max_value=TARGET_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": "1", "min": "1"}),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_INPUT],
        help_text=_("Within the project's co-financing stage; pledges are taken until then."),
    )


class ConfirmForm(forms.Form):
    reference = forms.CharField(
        label=_("Bank statement number"),
        max_length=REFERENCE_MAX_LENGTH,
        help_text=_("The reference of the payment received, as the bank statement gives it."),
    )
