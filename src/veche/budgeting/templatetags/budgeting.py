"""Template helpers of budgeting: sums of roubles, and whether someone runs a municipality's budgeting."""

from typing import Any

from django import template

from veche.budgeting.access import can_run_budgets as _can_run_budgets
from veche.budgeting.selectors import money
from veche.municipalities.models import Municipality

register = template.Library()


@register.filter
def roubles(amount: Any) -> str:
    return money(amount) if amount is not None and amount != "" else ""


@register.filter
def can_run_budgets(user: Any, municipality: Municipality) -> bool:
    return _can_run_budgets(user, municipality)
