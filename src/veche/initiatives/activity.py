"""Initiatives on receipts and in a person's activity: a support of an initiative is counted on its chain."""

from django.utils.translation import gettext_lazy as _

from veche.accounts.activity import register_counted
from veche.initiatives.models import Initiative, InitiativeSupport
from veche.ledger.subjects import register

register(
    Initiative,
    yours=_("Your support of the initiative “{}”"),
    entry=_("A support of the initiative “{}”"),
    municipality=lambda initiative: initiative.municipality,
    url=lambda initiative: initiative.get_absolute_url(),
    related=("municipality",),
    title=lambda initiative: initiative.title,
    # A hidden initiative's title is shown to nobody here; its receipts still check, in general words.
    shown=lambda initiative: not initiative.is_hidden,
)
register_counted("support", InitiativeSupport, subject="petition")
