"""Forms of the appeal pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.appeals.models import Status
from veche.appeals.selectors import ORDERINGS
from veche.petitions.forms import PetitionFilterForm, answer_days_field, text_field, title_field
from veche.petitions.models import THRESHOLD_MAX


class AppealForm(forms.Form):
    title = title_field(_("Which decision or policy you disagree with, in one line."))
    body = text_field(
        _("Your appeal"),
        _("Why you disagree and what you ask the municipality to do. Markdown: **bold**, lists, links."),
    )


class AnswerForm(forms.Form):
    answer = text_field(
        _("Official answer"), _("Published on the appeal's page; the author and every signer are notified.")
    )


class AppealPolicyForm(forms.Form):
    signature_threshold = forms.IntegerField(
        label=_("Signatures needed for an official answer"),
        min_value=1,
        max_value=THRESHOLD_MAX,
        help_text=_("Applies to appeals published from now on."),
    )
    answer_days = answer_days_field(_("Counted from the day an appeal reaches its threshold."))


class AppealFilterForm(PetitionFilterForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + list(Status.choices)
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("new", _("newest first")),
            ("signatures", _("most signed first")),
            ("due", _("answer due soonest")),
        ],
    )
    orderings = tuple(ORDERINGS)
