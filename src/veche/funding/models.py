"""Co-financing (models 1 and 2): residents and organisations pledge money towards something the
municipality has decided to do, up to a target and by a deadline, all or nothing.

What a campaign funds is one column per kind of target, exactly one of them set (an "exclusive arc"
rather than a generic relation, so that each target is a real foreign key the database keeps and a
query can join): today a taken-up idea of a crowd project (`idea`); a budgeting proposal would add
its own nullable column and the check `campaign_has_one_target` would say "exactly one".

Money is whole roubles. `Campaign.pledged_total` is the sum of the amounts of its pledges that were
not cancelled (pledged, confirmed or released), kept with F() in the transaction that changes a
pledge, and never above the target (a check in the database, the pledge refused before that). A
person may pledge several times (each pledge a row): a pledge is a promise of money, not a vote, and
one may add to it or pledge again for their company.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from veche.crowdprojects.models import Idea, Project

# A sane ceiling for one campaign's target (and so for one pledge): a billion roubles.
TARGET_MAX = 1_000_000_000
ORGANISATION_NAME_MAX_LENGTH = 200
REFERENCE_MAX_LENGTH = 100


class CampaignStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("campaign status", "collecting pledges")
    SUCCEEDED = "succeeded", pgettext_lazy("campaign status", "target reached")
    FAILED = "failed", pgettext_lazy("campaign status", "target not reached")
    CANCELLED = "cancelled", pgettext_lazy("campaign status", "cancelled")


class Campaign(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="funding_campaigns"
    )
    idea = models.ForeignKey(
        "crowdprojects.Idea",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("idea"),
    )
    target_amount = models.PositiveBigIntegerField(_("target, roubles"))
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    pledged_total = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("co-financing campaign")
        verbose_name_plural = _("co-financing campaigns")
        indexes = [models.Index(fields=["status", "deadline"], name="campaign_due")]
        constraints = [
            models.CheckConstraint(condition=Q(idea__isnull=False), name="campaign_has_one_target"),
            models.CheckConstraint(
                condition=Q(target_amount__gt=0, target_amount__lte=TARGET_MAX), name="campaign_target_sane"
            ),
            models.CheckConstraint(
                condition=Q(pledged_total__lte=models.F("target_amount")), name="campaign_no_overshoot"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="campaign_closed_has_date",
            ),
            # One open campaign per idea; a failed or cancelled one may be followed by another.
            models.UniqueConstraint(
                fields=["idea"], condition=Q(status="open"), name="campaign_one_open_per_idea"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("funding:campaign", args=[self.municipality.slug, self.pk])

    @property
    def title(self) -> str:
        return self.funded_idea.title

    @property
    def funded_idea(self) -> "Idea":
        """The idea the campaign funds (never missing: `campaign_has_one_target`)."""
        if self.idea is None:
            raise ValueError(f"campaign {self.pk} has no target")
        return self.idea

    @property
    def project(self) -> "Project":
        return self.funded_idea.project

    @property
    def remaining(self) -> int:
        return max(self.target_amount - self.pledged_total, 0)

    @property
    def percent(self) -> int:
        """How much of the target is pledged, in whole percent rounded down (100 only when reached)."""
        return self.pledged_total * 100 // self.target_amount if self.target_amount else 0

    def takes_pledges_at(self, now: datetime) -> bool:
        return self.status == CampaignStatus.OPEN and now < self.deadline


class PledgeStatus(models.TextChoices):
    PLEDGED = "pledged", pgettext_lazy("pledge status", "promised")
    CONFIRMED = "confirmed", pgettext_lazy("pledge status", "paid")
    RELEASED = "released", pgettext_lazy("pledge status", "released: the target was not reached")
    CANCELLED = "cancelled", pgettext_lazy("pledge status", "withdrawn")


class Pledge(models.Model):
    """One promise of money towards a campaign, by a person, for themselves or for an organisation."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pledges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges")
    # Both empty: the person pledges for themselves. An organisation is public in the report.
    organisation_name = models.CharField(
        _("organisation"), max_length=ORGANISATION_NAME_MAX_LENGTH, blank=True
    )
    organisation_inn = models.CharField(_("INN"), max_length=12, blank=True)
    amount = models.PositiveBigIntegerField(_("amount, roubles"))
    status = models.CharField(max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.PLEDGED)
    # The payment provider the pledge is paid through (`providers`), and its reference of the payment
    # (the bank statement's number for the treasury).
    provider = models.CharField(max_length=50)
    provider_reference = models.CharField(max_length=REFERENCE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When it was released or withdrawn.
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        indexes = [models.Index(fields=["campaign", "status"], name="pledge_campaign_status")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_amount_positive"),
            models.CheckConstraint(
                condition=Q(organisation_name="", organisation_inn="")
                | (~Q(organisation_name="") & ~Q(organisation_inn="")),
                name="pledge_organisation_whole",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed")
                | (Q(confirmed_at__isnull=False, confirmed_by__isnull=False) & ~Q(provider_reference="")),
                name="pledge_confirmed_has_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} → {self.campaign_id}"

    @property
    def for_organisation(self) -> bool:
        return bool(self.organisation_inn)
