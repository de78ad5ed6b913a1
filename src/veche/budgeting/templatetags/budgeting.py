"""Template helpers of budgeting: sums of roubles, plain words for the rules, and whether someone
runs a municipality's budgeting."""

from typing import Any

from django import template

from veche.budgeting import plain
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


# How a process (or a tally: it has the same fields) votes and counts, in plain words (`plain`).


@register.filter
def plain_ballot(process: Any) -> str:
    return str(plain.BALLOT[process.ballot_kind])


@register.filter
def rule_name(counted: Any) -> str:
    return str(plain.RULE_NAME[counted.rule])


@register.filter
def rule_how(counted: Any) -> str:
    return str(plain.RULE_HOW[counted.rule])


@register.filter
def rule_details(counted: Any) -> str:
    return plain.rule_details(counted.rule)


@register.filter
def ties(counted: Any) -> str:
    return str(plain.TIES[counted.tie_breaking])


@register.filter
def announced(timetable: list[Any]) -> bool:
    """Whether any date of a timetable (`phases.timetable`) is announced."""
    return any(w.opens_at or w.closes_at for w in timetable)
