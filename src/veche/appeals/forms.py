"""Forms of the appeal pages: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.appeals.models import ANSWER_DAYS_MAX, THRESHOLD_MAX, Status
from veche.core.forms import MarkdownField
from veche.petitions.models import TITLE_MAX_LENGTH
from veche.petitions.selectors import QUERY_MAX_LENGTH


class AppealForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("Which decision or policy you disagree with, in one line."),
    )
    body = MarkdownField(
        label=_("Your appeal"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Why you disagree and what you ask the municipality to do. Markdown: **bold**, lists, links."
        ),
    )


class AnswerForm(forms.Form):
    answer = MarkdownField(
        label=_("Official answer"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Published on the appeal's page; the author and every signer are notified."),
    )


class AppealPolicyForm(forms.Form):
    signature_threshold = forms.IntegerField(
        label=_("Signatures needed for an official answer"),
        min_value=1,
        max_value=THRESHOLD_MAX,
        help_text=_("Applies to appeals published from now on."),
    )
    answer_days = forms.IntegerField(
        label=_("Answer deadline, working days"),
        min_value=1,
        max_value=ANSWER_DAYS_MAX,
        help_text=_("Counted from the day an appeal reaches its threshold."),
    )


class AppealFilterForm(forms.Form):
    """The list's filters; anything invalid is ignored rather than refused."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + list(Status.choices)
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=QUERY_MAX_LENGTH)
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("new", _("newest first")),
            ("signatures", _("most signed first")),
            ("due", _("answer due soonest")),
        ],
    )

    def filters(self) -> dict[str, Any]:
        self.is_valid()  # an invalid field is left out of cleaned_data, the valid ones still apply
        data = self.cleaned_data
        return {
            "status": data.get("status", ""),
            "query": data.get("q", ""),
            "order": data.get("order") or "new",
        }
