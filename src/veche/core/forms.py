"""Form helpers shared by every app: length limits and DomainError shown on the form."""

from typing import Any

from django import forms
from django.conf import settings

from veche.core.errors import DomainError


def apply_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: field messages on their fields, the rest on top."""
    placed = False
    for name, messages in error.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


class MarkdownField(forms.CharField):
    """Text a person writes, limited to TEXT_MAX_LENGTH characters."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", settings.TEXT_MAX_LENGTH)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)
