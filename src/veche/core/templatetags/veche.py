"""Template helpers: Markdown rendering and reading a column of an object."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from veche.core.sanitize import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text or "")


@register.filter
def column(obj: Any, name: str) -> Any:
    value = getattr(obj, name, "")
    return value() if callable(value) else value


@register.filter
def model_label(obj: Any) -> str:
    return str(obj._meta.label_lower)
