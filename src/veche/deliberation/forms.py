"""The residents' forms of a deliberation: an answer to a statement and a new statement. The rules
(the length, markup, duplicates, which statements take votes) are the services', so a page and the API
refuse with the same messages; the forms only carry the fields."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.deliberation.models import Deliberation


def _int_or_raw(value: Any) -> Any:
    """An integer when the field holds one; else the text as sent, for the service to refuse."""
    text = (value or "").strip() if isinstance(value, str) else value
    try:
        return int(text)
    except (TypeError, ValueError):
        return text


class VoteForm(forms.Form):
    """Agree (1), disagree (-1) or pass (0) on a statement: three submit buttons named "vote"."""

    statement = forms.CharField(max_length=20)
    vote = forms.CharField(max_length=5, required=False)

    def clean_statement(self) -> Any:
        return _int_or_raw(self.cleaned_data["statement"])

    def clean_vote(self) -> Any:
        return _int_or_raw(self.cleaned_data["vote"])


class StatementForm(forms.Form):
    """A new statement. The textarea's maxlength is the deliberation's limit; the service checks it
    again (a request need not come from this form) with its own message."""

    text = forms.CharField(
        label=_("Your statement"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, deliberation: Deliberation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = deliberation.statement_max_length
        self.limit = limit
        self.fields["text"].widget.attrs.update(
            {"maxlength": str(limit), "aria-describedby": "statement-limit", "data-limit": str(limit)}
        )
