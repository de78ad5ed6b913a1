from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField
from veche.drafting.models import (
    DOCUMENT_MAX_LENGTH,
    HEADING_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AmendmentKind,
)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    text = forms.CharField(
        label=_("Text"),
        max_length=DOCUMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "Sections: each line that starts with “## ” opens a section (“## 2.1 Parks” is section 2.1). "
            "Without such lines, paragraphs that start with a number (“1.”, “2.1.”) open sections; "
            "without those, every paragraph is a section."
        ),
    )


class AmendmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The amendment"),
        choices=AmendmentKind.choices,
        initial=AmendmentKind.CHANGE,
        widget=forms.RadioSelect,
    )
    heading = forms.CharField(
        label=_("Heading of the new section"),
        max_length=HEADING_MAX_LENGTH,
        required=False,
        help_text=_("Only for a new section."),
    )
    body = forms.CharField(
        label=_("Wording"),
        max_length=settings.TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The whole new wording of the section, or the text of the new section. Not needed to remove it."
        ),
    )
    rationale = MarkdownField(label=_("Why"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = MarkdownField(label=_("Reason (public)"))


class VersionForm(forms.Form):
    note = forms.CharField(
        label=_("What changed"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
