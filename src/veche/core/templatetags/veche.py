"""Template helpers: Markdown rendering, reading a column of an object, whether a list is filtered,
quantities for people."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats
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


@register.filter
def quantity(value: Any) -> Any:
    """A count or an amount for people to read, grouped by thousands as the active language writes
    them: "12 345" (a no-break space) in Russian, "12,345" in English. Only for text: a value a
    script, a link or a form reads stays plain (`unlocalize`), which is why grouping is not on for
    every number (USE_THOUSAND_SEPARATOR)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)  # a whole amount of money without ",00"
    return formats.number_format(value, use_l10n=True, force_grouping=True)
