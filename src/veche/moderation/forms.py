from django import forms
from django.utils.translation import gettext_lazy as _

from veche.moderation.models import Flag


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Flag.Reason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Anything moderators should know (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the author sees it)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
