"""Template helpers: Markdown rendering, reading a column of an object, whether a list is filtered."""

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


@register.filter
def filtered(query: Any) -> bool:
    """Whether a list's query (request.GET) sets a filter: a value other than the page's number.
    A folded filter form opens when it does."""
    return any(value for key, value in query.items() if key != "page")
