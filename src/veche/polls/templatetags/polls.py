"""Template helpers of polls: whether someone runs a municipality's polls."""

from typing import Any

from django import template

from veche.municipalities.models import Municipality
from veche.polls.access import can_manage_polls as _can_manage_polls

register = template.Library()


@register.filter
def can_manage_polls(user: Any, municipality: Municipality) -> bool:
    return _can_manage_polls(user, municipality)
