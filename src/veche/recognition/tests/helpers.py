"""What the recognition tests share: a person's points read from the ledger, the words of a badge."""

from django.utils import translation
from django.utils.translation import ngettext

from veche.accounts.models import User
from veche.municipalities.models import Municipality
from veche.recognition.models import PointEntry


def points_of(user: User, municipality: Municipality | None = None) -> int:
    entries = PointEntry.objects.filter(user=user)
    if municipality is not None:
        entries = entries.filter(municipality=municipality)
    return sum(entries.values_list("points", flat=True))


def fixed_words(language: str, n: int) -> str:
    """How the "reports fixed" badges read in `language` with threshold `n`."""
    with translation.override(language):
        return ngettext(
            "Earned when %(n)d of your problem reports is fixed.",
            "Earned when %(n)d of your problem reports are fixed.",
            n,
        ) % {"n": n}
