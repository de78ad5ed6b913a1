"""Initiatives on receipts and in a person's activity: a support of an initiative is counted on its chain."""

from django.utils.translation import gettext_lazy as _

from veche.initiatives.models import Initiative, InitiativeSupport
from veche.petitions.activity import register_endorsements

register_endorsements(
    Initiative,
    InitiativeSupport,
    kind="support",
    yours=_("Your support of the initiative “{}”"),
    entry=_("A support of the initiative “{}”"),
)
