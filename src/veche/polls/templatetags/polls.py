"""Template helpers of polls: whether someone runs a municipality's polls."""

from typing import Any

from django import template

from veche.access.polls import can_manage_polls as _can_manage_polls
from veche.municipalities.models import Municipality

register = template.Library()


@register.filter
def can_manage_polls(user: Any, municipality: Municipality) -> bool:
    return _can_manage_polls(user, municipality)
