"""How a petition wing's endorsements read on receipts and in a person's activity: each is counted on
its petition's chain; a hidden petition's title is shown to nobody there, its receipts still check."""

from django.db import models
from django_stubs_ext import StrOrPromise

from veche.accounts.activity import register_counted
from veche.ledger.subjects import register


def register_endorsements(
    petition: type[models.Model],
    endorsement: type[models.Model],
    *,
    kind: str,
    yours: StrOrPromise,
    entry: StrOrPromise,
) -> None:
    """Name `petition`'s chains (`yours` and `entry` take its title) and list `endorsement` rows as `kind`."""
    register(
        petition,
        yours=yours,
        entry=entry,
        municipality=lambda item: item.municipality,
        url=lambda item: item.get_absolute_url(),
        related=("municipality",),
        title=lambda item: item.title,
        shown=lambda item: not item.is_hidden,
    )
    register_counted(kind, endorsement, subject="petition")
