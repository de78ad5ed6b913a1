"""Budgets on receipts and in a person's activity: a ballot is counted on its budget's chain."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veche.accounts.activity import register_counted
from veche.budgeting.models import Ballot, Budget
from veche.ledger.subjects import register

register(
    Budget,
    yours=_("Your ballot in “{}”"),
    entry=_("A ballot in “{}”"),
    municipality=lambda budget: budget.process.municipality,
    url=lambda budget: reverse(
        "budgeting:process", args=[budget.process.municipality.slug, budget.process_id]
    ),
    related=("process__municipality", "district"),
    # "Park improvements 2027: Central district".
    title=str,
)
register_counted("ballot", Ballot, subject="budget")
