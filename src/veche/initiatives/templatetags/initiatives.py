"""Template helpers of initiatives: whether someone answers a municipality's initiatives."""

from typing import Any

from django import template

from veche.initiatives.access import can_answer_initiatives as _can_answer_initiatives
from veche.municipalities.models import Municipality

register = template.Library()


@register.filter
def can_answer_initiatives(user: Any, municipality: Municipality) -> bool:
    return _can_answer_initiatives(user, municipality)
