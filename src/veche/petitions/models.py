"""The shape shared by things residents sign that owe an answer (appeals, initiatives; later ideas).

Abstract models only: each app keeps its own tables. A petition is public content with a threshold
fixed when it is published; endorsements (signatures, supports) count towards it, one per person;
the endorsement that reaches it makes an answer due by a date in the municipality's working days.

"Overdue" is one rule, written twice: `Petition.is_overdue` (a test on the object) and
`Petition.overdue_on` (the same as a query). An answer is owed (the status is one of the app's
`OWES_ANSWER`), its day has passed, and the petition is not hidden: nobody can answer hidden
content until a moderator restores it, so the badge, the count for answerers and the escalation
all leave it out.
"""

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veche.access.roles import Tier
from veche.moderation.models import Moderated

TITLE_MAX_LENGTH = 200
THRESHOLD_MAX = 1_000_000
ANSWER_DAYS_MAX = 120


# The statuses every petition has (each app's Status gives them its own words).
PUBLISHED = "published"
THRESHOLD_REACHED = "threshold_reached"


def petition_indexes(newest_first: str) -> list[models.Index]:
    """The indexes of a petition list: newest first by `newest_first` (a date field, with its "-"), with
    or without a status, and the most endorsed first; named after the model ("appeal_recent")."""
    return [
        models.Index(fields=["municipality", newest_first], name="%(class)s_recent"),
        models.Index(fields=["municipality", "status", newest_first], name="%(class)s_status"),
        models.Index(fields=["municipality", "-endorsements_count"], name="%(class)s_popular"),
    ]


class PetitionPolicy(models.Model):
    """A municipality's rules for one kind of petition; made with the defaults when first needed."""

    municipality = models.OneToOneField(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    answer_days = models.PositiveSmallIntegerField(
        _("answer deadline, working days"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(ANSWER_DAYS_MAX)],
        help_text=_("Counted from the day the threshold is reached."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        # One policy of each kind a municipality: its name says which.
        return str(self.municipality)


class Petition(Moderated):
    """Something residents endorse that, past its threshold, the municipality must answer by a date."""

    # The name of the petition's page (it takes the municipality's slug and the petition's id).
    URL_NAME: ClassVar[str]
    # The app's statuses: every petition collects endorsements while "published", and the threshold
    # moves it to "threshold_reached", where it owes an answer (the app's Status has both); the app
    # names those that carry an answer.
    COLLECTING: ClassVar[str] = PUBLISHED
    AWAITING_ANSWER: ClassVar[str] = THRESHOLD_REACHED
    OWES_ANSWER: ClassVar[tuple[str, ...]] = (THRESHOLD_REACHED,)
    ANSWERED: ClassVar[tuple[str, ...]]

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="%(class)ss"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="%(class)ss")
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("text"), max_length=settings.TEXT_MAX_LENGTH)
    # Each app gives its own choices and default.
    status = models.CharField(max_length=20)
    created_at = models.DateTimeField()
    # Fixed when the petition is published, so the goal does not move under its endorsers; a draft
    # (an initiative not yet published) has none.
    threshold = models.PositiveIntegerField(null=True, blank=True)
    endorsements_count = models.PositiveIntegerField(default=0)
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    answer_due = models.DateField(null=True, blank=True)
    # When the tick told those who answer that the deadline had passed; set once, never cleared.
    escalated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("official answer"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(self.URL_NAME, args=[self.municipality.slug, self.pk])

    def is_overdue(self, today: date) -> bool:
        """An answer is owed, its day has passed, and nothing stops it being given: `overdue_on` as a test."""
        return (
            self.status in self.OWES_ANSWER
            and self.answer_due is not None
            and self.answer_due < today
            and not self.is_hidden
        )

    @classmethod
    def overdue_on(cls, today: date) -> models.Q:
        """Petitions that owe an answer whose day has passed by `today`: `is_overdue` as a query."""
        return models.Q(status__in=cls.OWES_ANSWER, answer_due__lt=today, hidden_at__isnull=True)


class EndorsementTier(models.IntegerChoices):
    """How sure we were of who endorsed."""

    REGISTERED = Tier.REGISTERED.value, _("registered")
    VERIFIED = Tier.VERIFIED.value, _("verified resident")


class Endorsement(models.Model):
    """One person's name under a petition, with the tier it was given with; once per person.

    Each app declares `petition`, the foreign key to its own petition model.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tier = models.PositiveSmallIntegerField(choices=EndorsementTier.choices)
    created_at = models.DateTimeField()
    # The hash of the endorsement's ledger entry, to check at /ledger/ (empty for those given before
    # appeals' signatures went on the ledger).
    receipt = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "user"], name="%(app_label)s_%(class)s_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} endorsed {self.petition_id}"  # type: ignore[attr-defined]
