"""Campaigns named in words where other apps name them by their label (recognition records that a
person co-financed one that reached its target)."""

from django.utils.translation import gettext_lazy as _

from veche.funding.models import Campaign
from veche.ledger.subjects import register

register(
    Campaign,
    yours=_("Your pledge to “{}”"),
    entry=_("A pledge to “{}”"),
    municipality=lambda campaign: campaign.municipality,
    url=lambda campaign: campaign.get_absolute_url(),
    related=("municipality", "idea"),
    title=lambda campaign: campaign.title,
)
