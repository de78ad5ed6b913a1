"""Forms of the staff pages of deliberations: the settings (a standalone one's, a project's), a seed
statement, a moderation decision, a Polis upload. They parse input; the services decide. Times are
read in the municipality's zone (the view's `access_municipality` activates it)."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField
from veche.crowdprojects.project_forms import TakingPartFields, moment_field
from veche.deliberation.models import (
    REASON_MAX_LENGTH,
    STATEMENT_DEFAULT_LENGTH,
    STATEMENT_MAX_LENGTH,
    STATEMENT_MIN_LIMIT,
    TITLE_MAX_LENGTH,
    Deliberation,
)
from veche.municipalities.models import Municipality

# The largest comments.csv and votes.csv a page takes (a bigger conversation goes through
# `veche deliberation import` on the command line).
UPLOAD_MAX_BYTES = getattr(settings, "DELIBERATION_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)


class ProjectDeliberationForm(forms.Form):
    """The settings of a project's deliberation: its dates, tier and districts are the project's."""

    title = forms.CharField(
        label=_("Question"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("What residents answer with their statements."),
    )
    description = MarkdownField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    statement_max_length = forms.IntegerField(
        label=_("Longest statement, in characters"),
        # The range is the service's to check (its message names both ends); the widget only hints it.
        widget=forms.NumberInput(attrs={"min": STATEMENT_MIN_LIMIT, "max": STATEMENT_MAX_LENGTH}),
        initial=STATEMENT_DEFAULT_LENGTH,
    )
    residents_add_statements = forms.BooleanField(
        label=_("Residents may add statements"), required=False, initial=True
    )

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality

    @staticmethod
    def initial_for(deliberation: Deliberation) -> dict[str, Any]:
        return {
            "title": deliberation.title,
            "description": deliberation.description,
            "department": deliberation.department,
            "tier": deliberation.tier,
            "districts": list(deliberation.districts.all()),
            "opens_at": deliberation.opens_at,
            "closes_at": deliberation.closes_at,
            "statement_max_length": deliberation.statement_max_length,
            "residents_add_statements": deliberation.residents_add_statements,
        }

    def settings(self) -> dict[str, Any]:
        """The cleaned data as the services take it."""
        data = self.cleaned_data
        names = ("title", "description", "statement_max_length", "residents_add_statements")
        return {name: data[name] for name in names}


class DeliberationForm(TakingPartFields, ProjectDeliberationForm):
    """A standalone deliberation's settings: its organiser, who may take part, where, and when."""

    opens_at = moment_field(_("Opens"), required=False, help_text=_("Empty: when you publish it."))
    closes_at = moment_field(_("Closes"), required=False, help_text=_("Empty: open until you set a date."))

    field_order = [
        "title",
        "description",
        "department",
        "tier",
        "districts",
        "opens_at",
        "closes_at",
        "statement_max_length",
        "residents_add_statements",
    ]

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, municipality=municipality, **kwargs)
        self.limit_to(municipality)
        self.fields["department"].help_text = _(
            "The officials of the organising department run the deliberation with the admins."
        )

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().settings(),
            "department": data["department"],
            "tier": data["tier"],
            "districts": list(data["districts"]),
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
        }


class SeedForm(forms.Form):
    """A statement of the organisers (accepted as it is added)."""

    text = forms.CharField(
        label=_("A statement of the organisers"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=STATEMENT_MAX_LENGTH,
        help_text=_("Shown to voters at once. One idea in a short sentence."),
    )


class ModerationForm(forms.Form):
    """Accept or reject a statement; a rejection needs the reason its author reads."""

    decision = forms.ChoiceField(choices=[("accept", "accept"), ("reject", "reject")])
    reason = forms.CharField(
        label=_("Reason (the author sees it)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _csv_file(label: Any) -> forms.FileField:
    return forms.FileField(label=label, help_text=_("A CSV file of Polis's export, UTF-8."))


class PolisImportForm(forms.Form):
    """A Polis export (comments.csv and votes.csv) to map as a new standalone deliberation."""

    title = forms.CharField(label=_("Question"), max_length=TITLE_MAX_LENGTH)
    description = MarkdownField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    comments = _csv_file("comments.csv")
    votes = _csv_file("votes.csv")
    publish = forms.BooleanField(label=_("Publish at once"), required=False)

    def _checked(self, name: str) -> str:
        upload: UploadedFile = self.cleaned_data[name]
        if upload.size is not None and upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB: import it from the command line.")
                % {"mb": UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        data: bytes = upload.read(UPLOAD_MAX_BYTES + 1)
        if len(data) > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB: import it from the command line.")
                % {"mb": UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise forms.ValidationError(
                _("%(file)s, line %(line)d: not UTF-8 text (save the file as UTF-8).")
                % {"file": self.fields[name].label, "line": line}
            ) from None

    def clean_comments(self) -> str:
        return self._checked("comments")

    def clean_votes(self) -> str:
        return self._checked("votes")
