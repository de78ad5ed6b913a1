"""Official polls (model 2): the municipality asks, residents choose among ready-made options.

A poll is a draft until it is published; after that its status follows from its times (and an
early close). One person votes once, and every vote is appended to the poll's hash chain.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from veche.access.roles import Tier
from veche.municipalities.models import District

TITLE_MAX_LENGTH = 200
OPTION_MAX_LENGTH = 200
OPTIONS_MIN = 2
OPTIONS_MAX = 20


class Kind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    RANKED = "ranked", _("ranked choice")


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("poll status", "draft")
    SCHEDULED = "scheduled", pgettext_lazy("poll status", "upcoming")
    OPEN = "open", pgettext_lazy("poll status", "open")
    CLOSED = "closed", pgettext_lazy("poll status", "closed")


class PollTier(models.IntegerChoices):
    """Who may vote: anyone with a confirmed account, or only residents verified in the municipality."""

    REGISTERED = Tier.REGISTERED.value, _("registered users")
    VERIFIED = Tier.VERIFIED.value, _("verified residents")


def published() -> Q:
    return Q(published_at__isnull=False)


def status_q(status: str, now: datetime) -> Q:
    """The polls in `status` at `now`, as a filter: the database agrees with `Poll.status_at`."""
    if status == Status.DRAFT:
        return Q(published_at__isnull=True)
    if status == Status.SCHEDULED:
        return published() & Q(closed_at__isnull=True, opens_at__gt=now)
    if status == Status.OPEN:
        return published() & Q(closed_at__isnull=True, opens_at__lte=now, closes_at__gt=now)
    if status == Status.CLOSED:
        return published() & (Q(closed_at__isnull=False) | Q(closes_at__lte=now))
    raise ValueError(status)


class Poll(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="polls"
    )
    title = models.CharField(_("question"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # How many options a ballot chooses (or ranks); a single-choice poll has 1 and 1.
    min_choices = models.PositiveSmallIntegerField(_("at least"), default=1)
    max_choices = models.PositiveSmallIntegerField(_("at most"), default=1)
    tier = models.PositiveSmallIntegerField(_("who may vote"), choices=PollTier.choices)
    # No districts: the whole municipality. Otherwise only residents verified in one of them.
    districts: "models.ManyToManyField[District, PollDistrict]" = models.ManyToManyField(
        "municipalities.District", through="PollDistrict", related_name="+", blank=True
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    live_results = models.BooleanField(_("show results while voting is open"), default=False)
    votes_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when staff close the poll before its closing time.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When residents were told that voting opened and that it closed (`polls.services.polls_announce`):
    # each notice is claimed by setting its time, so it goes out once however many ticks run.
    opened_notified_at = models.DateTimeField(null=True, blank=True)
    closed_notified_at = models.DateTimeField(null=True, blank=True)
    # What the poll decides on, when another process made it (an accepted initiative, say).
    origin_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [
            models.Index(fields=["municipality", "closes_at"], name="poll_closing"),
            models.Index(fields=["municipality", "opens_at"], name="poll_opening"),
            models.Index(fields=["origin_type", "origin_id"], name="poll_origin"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=models.F("closes_at")), name="poll_opens_first"),
            models.CheckConstraint(
                condition=Q(min_choices__gte=1) & Q(min_choices__lte=models.F("max_choices")),
                name="poll_choices_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="single") | Q(min_choices=1, max_choices=1), name="poll_single_is_one"
            ),
            models.CheckConstraint(
                condition=Q(origin_type__isnull=True, origin_id__isnull=True)
                | Q(origin_type__isnull=False, origin_id__isnull=False),
                name="poll_origin_whole",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(published_at__isnull=False),
                name="poll_closed_once_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, now: datetime) -> Status:
        if self.published_at is None:
            return Status.DRAFT
        if self.closed_at is not None or now >= self.closes_at:
            return Status.CLOSED
        if now < self.opens_at:
            return Status.SCHEDULED
        return Status.OPEN

    @property
    def ended_at(self) -> datetime:
        """When voting ended or ends: the early close, if there was one."""
        return self.closed_at if self.closed_at is not None else self.closes_at


class PollDistrict(models.Model):
    """A district a poll is limited to; a district with polls cannot be deleted from under them."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("municipalities.District", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "district"], name="poll_district_once")]

    def __str__(self) -> str:
        return f"{self.poll_id} in {self.district_id}"


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("option"), max_length=OPTION_MAX_LENGTH)

    class Meta:
        ordering = ["poll", "position"]
        constraints = [models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position")]

    def __str__(self) -> str:
        return self.text


class PollVote(models.Model):
    """One person's vote in a poll, with the tier and district it was cast with. It never changes."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="poll_votes")
    tier = models.PositiveSmallIntegerField(choices=PollTier.choices)
    # The district of the voter's verification when they voted (none for a registered voter).
    district = models.ForeignKey(
        "municipalities.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The hash of the vote's ledger entry, to check at /ledger/; the nonce stays with the voter.
    receipt = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="poll_vote_once")]

    def __str__(self) -> str:
        return f"{self.user_id} voted in {self.poll_id}"


class PollChoice(models.Model):
    """One option of a vote; `rank` is its place in the ballot (the preference, in a ranked poll)."""

    vote = models.ForeignKey(PollVote, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.PROTECT, related_name="choices")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["vote", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "option"], name="poll_choice_option_once"),
            models.UniqueConstraint(fields=["vote", "rank"], name="poll_choice_rank_once"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="poll_choice_rank_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.option_id} #{self.rank}"
