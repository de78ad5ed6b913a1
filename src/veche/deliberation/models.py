"""Opinion mapping (Polis-style): a deliberation is a question residents answer by adding short
statements and voting agree / disagree / pass on others' statements, one at a time; the map (the
opinion groups, what each group thinks, what everyone agrees on) is computed from the latest votes by
the engine (`veche.deliberation.engine`) and kept as the last `Map`.

A deliberation belongs to a crowd project (it runs during the project's deliberation stages, with the
project's tier and districts) or stands alone, with its own dates, tier and districts. Statements,
participants and votes keep Polis's numbering (comment id, participant id) per deliberation, so an
import and an export keep Polis's ids.
"""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from veche.crowdprojects.models import ProjectTier
from veche.moderation.models import Moderated
from veche.municipalities.models import District

TITLE_MAX_LENGTH = 200
# Polis's default length of a statement; an organiser may allow up to STATEMENT_MAX_LENGTH.
STATEMENT_DEFAULT_LENGTH = 140
STATEMENT_MIN_LIMIT = 20
STATEMENT_MAX_LENGTH = 500
REASON_MAX_LENGTH = 500


class Deliberation(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="deliberations"
    )
    # Set: the deliberation of the project's deliberation stages (its dates, tier and districts are the
    # project's). None: a question on its own, with the dates, tier and districts below.
    project = models.OneToOneField(
        "crowdprojects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliberation",
        verbose_name=_("crowd project"),
    )
    title = models.CharField(_("question"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    # The body that organises a standalone deliberation; none: the municipality's administration.
    department = models.ForeignKey(
        "municipalities.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliberations",
        verbose_name=_("organiser"),
    )
    tier = models.PositiveSmallIntegerField(
        _("who may take part"), choices=ProjectTier.choices, default=ProjectTier.REGISTERED
    )
    # No districts: the whole municipality.
    districts: "models.ManyToManyField[District, DeliberationDistrict]" = models.ManyToManyField(
        "municipalities.District", through="DeliberationDistrict", related_name="+", blank=True
    )
    # A standalone deliberation is open from `opens_at` to `closes_at` (None: not yet scheduled).
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    statement_max_length = models.PositiveSmallIntegerField(
        _("longest statement, in characters"),
        default=STATEMENT_DEFAULT_LENGTH,
        validators=[MinValueValidator(STATEMENT_MIN_LIMIT), MaxValueValidator(STATEMENT_MAX_LENGTH)],
    )
    residents_add_statements = models.BooleanField(_("residents may add statements"), default=True)
    # None: made by the platform itself (an import from the command line, the demo).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    # The last numbers given to a participant and a statement (Polis's pid and comment id), raised with
    # F() under the deliberation's row lock.
    last_participant = models.PositiveIntegerField(default=0)
    last_statement = models.PositiveIntegerField(default=0)
    # Raised with F() by every vote written: the map keeps the serial it saw, so the votes since the map
    # are a subtraction.
    vote_serial = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deliberation")
        verbose_name_plural = _("deliberations")
        indexes = [models.Index(fields=["municipality", "published_at"], name="deliberation_published")]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lt=models.F("closes_at")),
                name="deliberation_opens_first",
            ),
            models.CheckConstraint(
                condition=Q(
                    statement_max_length__gte=STATEMENT_MIN_LIMIT,
                    statement_max_length__lte=STATEMENT_MAX_LENGTH,
                ),
                name="deliberation_statement_length",
            ),
            models.CheckConstraint(condition=Q(tier__in=ProjectTier.values), name="deliberation_tier_known"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # The pages' route (deliberation/urls.py, app_name "deliberation").
        return reverse("deliberation:detail", args=[self.municipality.slug, self.pk])

    @property
    def is_standalone(self) -> bool:
        return self.project_id is None

    def open_at(self, now: datetime) -> bool:
        """For a standalone deliberation: whether its own dates are running at `now` (published, opened,
        not yet closed). A project's deliberation follows its stages instead (`phases.deliberation_phase`)."""
        return (
            self.published_at is not None
            and self.opens_at is not None
            and self.opens_at <= now
            and (self.closes_at is None or now < self.closes_at)
        )


class DeliberationDistrict(models.Model):
    """A district a standalone deliberation is limited to."""

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("municipalities.District", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deliberation", "district"], name="deliberation_district_once")
        ]

    def __str__(self) -> str:
        return f"{self.deliberation_id} in {self.district_id}"


class Participant(models.Model):
    """One person in one deliberation, numbered like Polis's participant id. Imported participants have
    no user; a user is one participant per deliberation (NULLs distinct: imported rows do not collide)."""

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="participants")
    number = models.PositiveIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["deliberation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["deliberation", "number"], name="participant_number_once"),
            models.UniqueConstraint(
                fields=["deliberation", "user"], condition=Q(user__isnull=False), name="participant_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliberation_id}: participant {self.number}"


class StatementStatus(models.TextChoices):
    """Polis's `moderated`: 0 pending, 1 accepted, -1 rejected. Only accepted statements are shown."""

    PENDING = "pending", pgettext_lazy("statement", "awaiting moderation")
    ACCEPTED = "accepted", pgettext_lazy("statement", "accepted")
    REJECTED = "rejected", pgettext_lazy("statement", "rejected")


# Polis's `moderated` column and back.
POLIS_MODERATED = {StatementStatus.PENDING: 0, StatementStatus.ACCEPTED: 1, StatementStatus.REJECTED: -1}
STATUS_OF_MODERATED = {value: status for status, value in POLIS_MODERATED.items()}


class Statement(Moderated):
    """A short statement residents vote on. Shown to voters only when accepted and not hidden by a
    moderator (`shown_q`); a statement of the organisers (a seed) is accepted as it is added."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="statements")
    # Polis's comment id: per deliberation, from 1 (an import keeps Polis's own, which start at 0).
    number = models.PositiveIntegerField()
    text = models.TextField(_("statement"))
    # The same text twice in one deliberation is refused: sha256 of the text casefolded with its blanks
    # collapsed. None for an imported duplicate (Polis conversations may hold some).
    text_key = models.CharField(max_length=64, null=True, blank=True)
    # None: imported, or written by the platform.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    status = models.CharField(max_length=10, choices=StatementStatus.choices, default=StatementStatus.PENDING)
    is_seed = models.BooleanField(default=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # Why a statement was rejected, for its author.
    moderation_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["deliberation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["deliberation", "number"], name="statement_number_once"),
            models.UniqueConstraint(fields=["deliberation", "text_key"], name="statement_text_once"),
            models.CheckConstraint(
                condition=Q(status__in=StatementStatus.values), name="statement_status_known"
            ),
        ]
        indexes = [models.Index(fields=["deliberation", "status"], name="statement_status")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_shown(self) -> bool:
        """`shown_q` as a test on the object: accepted and not hidden."""
        return self.status == StatementStatus.ACCEPTED and self.hidden_at is None


def shown_q(prefix: str = "") -> Q:
    """The statements voters see, as a filter (`Statement.is_shown` as a query); `prefix` for a relation
    ("statement__")."""
    return Q(**{f"{prefix}status": StatementStatus.ACCEPTED, f"{prefix}hidden_at__isnull": True})


class VoteValue(models.IntegerChoices):
    AGREE = 1, pgettext_lazy("statement vote", "agree")
    DISAGREE = -1, pgettext_lazy("statement vote", "disagree")
    PASS = 0, pgettext_lazy("statement vote", "pass / unsure")


class Vote(models.Model):
    """A participant's latest answer to a statement: a new answer replaces the old one in place."""

    deliberation = models.ForeignKey(Deliberation, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="vote_once"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="vote_value_known"),
        ]
        indexes = [
            models.Index(fields=["deliberation", "statement"], name="vote_statement"),
            models.Index(fields=["deliberation", "participant"], name="vote_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} on {self.statement_id}: {self.value}"


class Map(models.Model):
    """The last map of a deliberation: the engine's result for the votes up to `vote_serial`, and its
    state for the next (warm) run."""

    deliberation = models.OneToOneField(Deliberation, on_delete=models.CASCADE, related_name="map")
    computed_at = models.DateTimeField()
    # The deliberation's vote_serial when the votes were read: new votes since = serial now - this.
    vote_serial = models.PositiveBigIntegerField()
    k = models.PositiveSmallIntegerField()
    # Why there are no groups when k is 0 (the engine's code, e.g. "too-few-participants").
    reason = models.CharField(max_length=100, blank=True)
    # `Result.to_json()` with what pages need besides (see `services.map_recompute`).
    result = models.JSONField()
    # `State.to_json()`: the warm start and the k smoother of the next run.
    state = models.JSONField()
    seconds = models.FloatField()
    n_participants = models.PositiveIntegerField(default=0)
    n_votes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(k__lte=10), name="map_k_small")]

    def __str__(self) -> str:
        return f"{self.deliberation_id}: k={self.k} at {self.computed_at:%Y-%m-%d %H:%M}"
