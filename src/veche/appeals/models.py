"""Appeals (model 3): residents disagree with a municipal decision or policy, co-sign, and get an answer."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from veche.petitions.models import (
    THRESHOLD_MAX,
    Endorsement,
    Petition,
    PetitionPolicy,
    petition_indexes,
)


class AppealPolicy(PetitionPolicy):
    """A municipality's rules for appeals; made with the defaults the first time they are needed."""

    signature_threshold = models.PositiveIntegerField(
        _("signatures needed for an official answer"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(THRESHOLD_MAX)],
        help_text=_("Applies to appeals published from now on."),
    )

    class Meta:
        verbose_name = _("appeal policy")
        verbose_name_plural = _("appeal policies")


class Status(models.TextChoices):
    PUBLISHED = "published", _("collecting signatures")
    THRESHOLD_REACHED = "threshold_reached", _("awaiting the official answer")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed by the author")


# Statuses in which an appeal still takes signatures and its author may close it.
OPEN = (Status.PUBLISHED, Status.THRESHOLD_REACHED)


class Appeal(Petition):
    URL_NAME = "appeals:detail"
    ANSWERED = (Status.ANSWERED,)

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta(Petition.Meta):
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = petition_indexes("-created_at")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="answered") | models.Q(answered_at__isnull=False),
                name="appeal_answered_has_date",
            ),
            # Past the threshold an answer is owed by a date; only collecting or closed appeals lack one.
            models.CheckConstraint(
                condition=models.Q(status__in=["published", "closed"])
                | models.Q(threshold_reached_at__isnull=False, answer_due__isnull=False),
                name="appeal_due_once_reached",
            ),
            # An appeal is published when it is made, so its threshold is always fixed.
            models.CheckConstraint(condition=models.Q(threshold__isnull=False), name="appeal_has_threshold"),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class AppealSignature(Endorsement):
    """One person's signature under an appeal, with how sure we were of who they are."""

    petition = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="signatures")
