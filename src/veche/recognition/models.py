"""Recognition for taking part: each municipality's rules (points per action, badges), the append-only
ledger of points, the daily counters that cap them, and people's consent to the public board."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veche.municipalities.models import Named

POINTS_MAX = 100
DAILY_LIMIT_MAX = 1000
THRESHOLD_MAX = 1000
SUBJECT_MAX_LENGTH = 100


class Action(models.TextChoices):
    """What a person did that the city recognises. The first five earn points by a `PointRule`;
    co-financing is recorded without points, for its badge."""

    REPORT_FIXED = "report_fixed", _("a report of yours fixed")
    IDEA_SELECTED = "idea_selected", _("an idea of yours taken up")
    AMENDMENT_ACCEPTED = "amendment_accepted", _("an amendment of yours accepted")
    VOTE_CAST = "vote_cast", _("a vote cast")
    MONITORING_REPORT = "monitoring_report", _("a monitoring report filed")
    PROJECT_COFINANCED = "project_cofinanced", _("a project you co-financed reached its target")


# The actions a municipality gives points for, each by its PointRule.
POINTED: tuple[str, ...] = (
    Action.REPORT_FIXED,
    Action.IDEA_SELECTED,
    Action.AMENDMENT_ACCEPTED,
    Action.VOTE_CAST,
    Action.MONITORING_REPORT,
)


class Condition(models.TextChoices):
    """What a badge asks for (the words a badge page shows are in `recognition.conditions`)."""

    REPORTS_FIXED = "reports_fixed", _("reports fixed, at least")
    IDEAS_SELECTED = "ideas_selected", _("ideas taken up, at least")
    AMENDMENTS_ACCEPTED = "amendments_accepted", _("amendments accepted, at least")
    VOTES_CAST = "votes_cast", _("votes cast, at least")
    MONITORING_REPORTS = "monitoring_reports", _("monitoring reports filed, at least")
    COFINANCED = "cofinanced", _("co-financed projects that reached their target, at least")
    VOTED_EVERY_POLL_OF_YEAR = "voted_every_poll_of_year", _("years with a vote in every poll, at least")


class PointRule(models.Model):
    """How many points one action earns in a municipality, and how many of them a day count."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="point_rules"
    )
    action = models.CharField(_("action"), max_length=30, choices=[(a, Action(a).label) for a in POINTED])
    points = models.PositiveSmallIntegerField(
        _("points"), validators=[MinValueValidator(0), MaxValueValidator(POINTS_MAX)]
    )
    # How many awards of the action count per person per day (the municipality's day); those past it
    # are recorded with no points. 0: none counts.
    daily_limit = models.PositiveSmallIntegerField(
        _("awards a day, at most"), validators=[MinValueValidator(0), MaxValueValidator(DAILY_LIMIT_MAX)]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("point rule")
        verbose_name_plural = _("point rules")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "action"], name="point_rule_once"),
            models.CheckConstraint(
                condition=Q(points__lte=POINTS_MAX, daily_limit__lte=DAILY_LIMIT_MAX), name="point_rule_sane"
            ),
        ]

    def __str__(self) -> str:
        return str(Action(self.action).label)


class BadgeRule(Named):
    """A badge of a municipality: its name and words in Russian and English
    (`recognition/translation.py`), and the condition in code that earns it, with its threshold."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="badge_rules"
    )
    code = models.SlugField(
        _("code"), max_length=50, help_text=_("Latin letters, digits and hyphens: the badge's address.")
    )
    condition = models.CharField(_("condition"), max_length=40, choices=Condition.choices)
    threshold = models.PositiveSmallIntegerField(
        _("threshold"), validators=[MinValueValidator(1), MaxValueValidator(THRESHOLD_MAX)]
    )
    description = models.TextField(_("description"), max_length=1000, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The columns modeltranslation adds, for type checkers.
    description_ru: str | None
    description_en: str | None

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="badge_rule_code_unique"),
            models.CheckConstraint(
                condition=Q(threshold__gte=1, threshold__lte=THRESHOLD_MAX), name="badge_rule_threshold_sane"
            ),
        ]

    @property
    def earned_when(self) -> str:
        """How the badge is earned, in brief: words made from its condition and threshold (the staff
        list's column; pages use `recognition.conditions.how_earned`)."""
        from veche.recognition.conditions import how_earned

        return how_earned(self, brief=True)


class Kind(models.TextChoices):
    AWARD = "award", _("award")
    REVOCATION = "revocation", _("revocation")
    REAWARD = "reaward", _("restoration")


class AppendOnly(models.QuerySet["PointEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("the ledger of points is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("the ledger of points is append-only")


class PointEntry(models.Model):
    """One line of the ledger of points: an award for an action on a subject, its revocation when a
    moderator hides the subject, or its restoration. Append-only: the ORM refuses to change or delete
    a line (and PROTECT keeps the people and municipalities it names).

    Exactly once: one award per (user, action, subject), one revocation per entry revoked, one
    restoration per revocation, each held by a unique constraint (`recognition.services`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Positive (or 0) for an award and a restoration, negative (or 0) for a revocation.
    points = models.SmallIntegerField(_("points"))
    # What it is for, "<app>.<model>:<id>" ("reports.report:12"), named in words by `ledger.subjects`.
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    # Why, as a message with its arguments (`notifications.messages`), written out in the reader's
    # language.
    reason = models.JSONField(_("reason"), default=dict)
    created_at = models.DateTimeField(_("recorded"))
    revokes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="revocation"
    )
    restores = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="restoration"
    )

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("point entry")
        verbose_name_plural = _("ledger of points")
        indexes = [
            models.Index(fields=["user", "municipality", "created_at"], name="point_entry_person"),
            models.Index(fields=["municipality", "user"], name="point_entry_board"),
            models.Index(fields=["subject"], name="point_entry_subject"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "action", "subject"], condition=Q(kind="award"), name="point_award_once"
            ),
            models.CheckConstraint(
                condition=(Q(kind="award") & Q(revokes__isnull=True, restores__isnull=True, points__gte=0))
                | (Q(kind="revocation") & Q(revokes__isnull=False, restores__isnull=True, points__lte=0))
                | (Q(kind="reaward") & Q(revokes__isnull=True, restores__isnull=False, points__gte=0)),
                name="point_entry_kind_links",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.points:+d} {self.action} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("the ledger of points is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("the ledger of points is append-only")


class DailyAwards(models.Model):
    """How many awards of an action counted for a person on one day of a municipality: claimed by one
    conditional upsert per award (`services._claim`), so the daily limit holds under concurrency."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=30)
    day = models.DateField()
    awarded = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "action", "day"], name="daily_awards_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.day}: {self.awarded}"


class BoardConsent(models.Model):
    """A person's consent to appear on a municipality's public board (by their public name, with their
    points and badges). Without it they are not shown."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    given_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "municipality"], name="board_consent_once")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.municipality_id}"
