"""Forms of the appeal pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.appeals.models import Status
from veche.appeals.selectors import ORDERINGS
from veche.petitions.forms import (
    PetitionFilterForm,
    answer_days_field,
    text_field,
    threshold_field,
    title_field,
)


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
    signature_threshold = threshold_field(
        _("Signatures needed for an official answer"), _("Applies to appeals published from now on.")
    )
    answer_days = answer_days_field(_("Counted from the day an appeal reaches its threshold."))


class AppealFilterForm(PetitionFilterForm):
    status = PetitionFilterForm.status_field(Status.choices)
    order = PetitionFilterForm.order_field(("signatures", _("most signed first")))
    orderings = tuple(ORDERINGS)
