"""Appeals (model 3): residents disagree with a municipal decision or policy, co-sign, and get an answer."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from veche.access.roles import Tier
from veche.moderation.models import Moderated

TITLE_MAX_LENGTH = 200
THRESHOLD_MAX = 1_000_000
ANSWER_DAYS_MAX = 120


class AppealPolicy(models.Model):
    """A municipality's rules for appeals; made with the defaults the first time they are needed."""

    municipality = models.OneToOneField(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="appeal_policy"
    )
    signature_threshold = models.PositiveIntegerField(
        _("signatures needed for an official answer"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(THRESHOLD_MAX)],
        help_text=_("Applies to appeals published from now on."),
    )
    answer_days = models.PositiveSmallIntegerField(
        _("answer deadline, working days"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(ANSWER_DAYS_MAX)],
        help_text=_("Counted from the day an appeal reaches its threshold."),
    )

    class Meta:
        verbose_name = _("appeal policy")
        verbose_name_plural = _("appeal policies")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.signature_threshold} / {self.answer_days}"


class Status(models.TextChoices):
    PUBLISHED = "published", _("collecting signatures")
    THRESHOLD_REACHED = "threshold_reached", _("awaiting the official answer")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed by the author")


# Statuses in which an appeal still takes signatures and its author may close it.
OPEN = (Status.PUBLISHED, Status.THRESHOLD_REACHED)


class Appeal(Moderated):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="appeals"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=settings.TEXT_MAX_LENGTH)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    # The policy's threshold when the appeal was published: the goal does not move under its signers.
    signature_threshold = models.PositiveIntegerField()
    signatures_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    answer_due = models.DateField(null=True, blank=True)
    # When the tick told those who answer that the deadline had passed; set once, never cleared.
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("official answer"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="appeal_recent"),
            models.Index(fields=["municipality", "status", "-created_at"], name="appeal_status"),
            models.Index(fields=["municipality", "-signatures_count"], name="appeal_popular"),
        ]
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
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def is_overdue(self, today: date) -> bool:
        """An answer is owed, its day has passed, and nothing stops it being given: `overdue_on` as a test."""
        return (
            self.status == Status.THRESHOLD_REACHED
            and self.answer_due is not None
            and self.answer_due < today
            and not self.is_hidden
        )


def overdue_on(today: date) -> models.Q:
    """Appeals that owe an answer whose day has passed by `today`: `Appeal.is_overdue` as a query.

    A hidden appeal is not overdue: nobody can answer it until a moderator restores it. So the
    count for answerers, the badge in the list and on the page, and the escalation agree on it.
    """
    return models.Q(status=Status.THRESHOLD_REACHED, answer_due__lt=today, hidden_at__isnull=True)


class AppealSignature(models.Model):
    """One person's signature under an appeal, with how sure we were of who they are."""

    class SignatureTier(models.IntegerChoices):
        REGISTERED = Tier.REGISTERED.value, _("registered")
        VERIFIED = Tier.VERIFIED.value, _("verified resident")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeal_signatures"
    )
    tier = models.PositiveSmallIntegerField(choices=SignatureTier.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["appeal", "user"], name="appeal_signature_once")]

    def __str__(self) -> str:
        return f"{self.user_id} signed {self.appeal_id}"
