"""How pledges are paid: a small interface for payment providers, and the one shipped, the
municipality's treasury confirming payments by hand.

The provider is chosen by the setting VECHE_PAYMENT_PROVIDER (a dotted path to a class); every pledge
keeps the name of the provider it was made through, and only that provider confirms it. A provider
tells the pledger how to pay (`instructions`) and checks a confirmation (`confirm`): who may record
it and what reference it keeps. The write itself is `services.pledge_confirm`.
"""

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from veche.access.roles import Person
from veche.core.errors import NotFound
from veche.core.text import check_text
from veche.funding.access import can_confirm_in
from veche.funding.models import REFERENCE_MAX_LENGTH, Pledge
from veche.funding.selectors import roubles

DEFAULT_PROVIDER = "veche.funding.providers.ManualTreasury"


class PaymentProvider(Protocol):
    name: str

    def instructions(self, pledge: Pledge) -> str:
        """What the pledger does to pay, in the active language."""
        ...

    def confirm(self, pledge: Pledge, actor: Person, reference: str) -> str:
        """Check that `actor` may record the payment of `pledge`; the reference to keep, or a
        DomainError (NotFound for whoever may not confirm payments)."""
        ...


class ManualTreasury:
    """The municipality's treasury: the pledger pays by bank transfer once the campaign has reached its
    target; staff holding "confirm_pledges" mark the pledge paid with the bank statement's number."""

    name = "treasury"

    def instructions(self, pledge: Pledge) -> str:
        return _(
            "If the target is reached, pay %(amount)s to the municipality's treasury by bank "
            "transfer with “pledge %(number)d” in the payment's purpose; the treasury then marks the "
            "pledge paid. If the target is not reached, nothing is owed."
        ) % {"amount": roubles(pledge.amount), "number": pledge.pk}

    def confirm(self, pledge: Pledge, actor: Person, reference: str) -> str:
        if not can_confirm_in(actor, pledge.campaign.municipality):
            raise NotFound()
        return check_text(reference, "reference", limit=REFERENCE_MAX_LENGTH, one_line=True)


def payment_provider() -> PaymentProvider:
    """The provider new pledges are made through (VECHE_PAYMENT_PROVIDER)."""
    path = getattr(settings, "VECHE_PAYMENT_PROVIDER", DEFAULT_PROVIDER)
    provider: PaymentProvider = import_string(path)()
    return provider
