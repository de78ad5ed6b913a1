"""Initiatives (model 2): residents propose, support within a window, and vote on ready-made solutions.

Moscow's Active Citizen and initiative budgeting under 131-FZ art. 26.1: once an initiative has
enough support, the municipality owes an answer by a deadline — a refusal with reasons, or
acceptance with at least two ready-made ways to carry it out, which residents then vote on. The
winning option is published and its implementation tracked by milestones with photos.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veche.petitions.models import (
    THRESHOLD_MAX,
    TITLE_MAX_LENGTH,
    Endorsement,
    Petition,
    PetitionPolicy,
    petition_indexes,
)

SUPPORT_DAYS_MAX = 365
VOTING_DAYS_MAX = 90
RESIDENTS_MAX = 100_000_000
PHOTOS_MAX = 5


class ThresholdKind(models.TextChoices):
    COUNT = "count", _("a number of supporters")
    SHARE = "share", _("a share of the residents")


class Scope(models.TextChoices):
    MUNICIPALITY = "municipality", _("the whole municipality")
    DISTRICT = "district", _("each district on its own")


class InitiativePolicy(PetitionPolicy):
    """A municipality's rules for initiatives; made with the defaults the first time they are needed."""

    support_days = models.PositiveSmallIntegerField(
        _("support window, days"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(SUPPORT_DAYS_MAX)],
        help_text=_("How long a published initiative collects support before it is archived."),
    )
    threshold_kind = models.CharField(
        _("the threshold is"), max_length=10, choices=ThresholdKind.choices, default=ThresholdKind.COUNT
    )
    support_threshold = models.PositiveIntegerField(
        _("supporters needed"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(THRESHOLD_MAX)],
    )
    support_percent = models.DecimalField(
        _("share of residents needed, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    scope = models.CharField(
        _("the threshold counts residents of"),
        max_length=12,
        choices=Scope.choices,
        default=Scope.MUNICIPALITY,
    )
    voting_days = models.PositiveSmallIntegerField(
        _("vote on the options, days"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(VOTING_DAYS_MAX)],
    )

    class Meta:
        verbose_name = _("initiative policy")
        verbose_name_plural = _("initiative policies")


class DistrictResidents(models.Model):
    """How many residents a district has, for thresholds set as a share of a district's residents."""

    policy = models.ForeignKey(InitiativePolicy, on_delete=models.CASCADE, related_name="district_residents")
    district = models.ForeignKey("municipalities.District", on_delete=models.CASCADE, related_name="+")
    residents = models.PositiveIntegerField(
        _("residents"), validators=[MinValueValidator(1), MaxValueValidator(RESIDENTS_MAX)]
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "district"], name="district_residents_once")]

    def __str__(self) -> str:
        return f"{self.district_id}: {self.residents}"


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("collecting support")
    THRESHOLD_REACHED = "threshold_reached", _("awaiting the official answer")
    REJECTED = "rejected", _("rejected")
    ACCEPTED = "accepted", _("accepted: the vote opens soon")
    VOTING = "voting", _("residents vote on the options")
    DECIDED = "decided", _("decided: being carried out")
    IMPLEMENTED = "implemented", _("implemented")
    ARCHIVED = "archived", _("archived: not enough support in time")


# Statuses past the threshold: an answer is (or was) owed.
REACHED = (
    Status.THRESHOLD_REACHED,
    Status.REJECTED,
    Status.ACCEPTED,
    Status.VOTING,
    Status.DECIDED,
    Status.IMPLEMENTED,
)
# Statuses with a vote on options.
WITH_POLL = (Status.ACCEPTED, Status.VOTING, Status.DECIDED, Status.IMPLEMENTED)
# Statuses with a chosen option.
CHOSEN = (Status.DECIDED, Status.IMPLEMENTED)
# Statuses in which residents support the initiative (until its window ends).
SUPPORTABLE = (Status.PUBLISHED, Status.THRESHOLD_REACHED)


class Initiative(Petition):
    URL_NAME = "initiatives:detail"
    ANSWERED = (Status.REJECTED, *WITH_POLL)

    # A district's initiative: only residents verified in it support it and vote on its options.
    district = models.ForeignKey(
        "municipalities.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("district"),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    support_ends_at = models.DateTimeField(null=True, blank=True)
    # The vote on the ready-made options; the poll's `origin` points back here.
    poll = models.OneToOneField(
        "polls.Poll", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    chosen_option = models.ForeignKey(
        "polls.PollOption", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    implemented_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta(Petition.Meta):
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [
            *petition_indexes("-published_at"),
            models.Index(fields=["status", "support_ends_at"], name="initiative_window"),
            models.Index(fields=["author", "status"], name="initiative_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(published_at__isnull=False, support_ends_at__isnull=False, threshold__isnull=False),
                name="initiative_published_has_goal",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[s.value for s in REACHED])
                | Q(threshold_reached_at__isnull=False, answer_due__isnull=False),
                name="initiative_due_once_reached",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", *[s.value for s in WITH_POLL]])
                | Q(answered_at__isnull=False),
                name="initiative_answered_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[s.value for s in WITH_POLL]) | Q(poll__isnull=False),
                name="initiative_accepted_has_poll",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[s.value for s in CHOSEN])
                | Q(chosen_option__isnull=False, decided_at__isnull=False),
                name="initiative_decided_has_option",
            ),
            models.CheckConstraint(
                condition=~Q(status="archived") | Q(archived_at__isnull=False),
                name="initiative_archived_has_date",
            ),
        ]

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class InitiativeSupport(Endorsement):
    """One person's support of an initiative, with the tier and district it was given with."""

    petition = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="supports")
    district = models.ForeignKey(
        "municipalities.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )


class ImplementationMilestone(models.Model):
    """A step of carrying out the chosen option: planned with a due date, then done with photos."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("implementation milestone")
        verbose_name_plural = _("implementation milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, completed_by__isnull=True)
                | Q(done_at__isnull=False, completed_by__isnull=False),
                name="milestone_done_whole",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


def milestone_photo_path(instance: "MilestonePhoto", filename: str) -> str:
    # The server names every file; nothing of the uploaded name is kept.
    return f"initiatives/{instance.milestone.initiative.municipality_id}/{uuid.uuid4().hex}.jpg"


class MilestonePhoto(models.Model):
    """A photo of a milestone's work, re-encoded on upload (no EXIF or GPS data is kept)."""

    milestone = models.ForeignKey(ImplementationMilestone, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=milestone_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return str(self.image.name)
