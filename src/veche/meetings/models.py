"""Meetings of a crowd project: events in person (at an address, on the map) or online (at a link),
attached to a stage of the project or to the whole of it, with registration for a limited number of
places and a waiting list, and minutes published afterwards that link the ideas the meeting produced.
"""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TITLE_MAX_LENGTH = 200
ADDRESS_MAX_LENGTH = 300
URL_MAX_LENGTH = 500
CAPACITY_MAX = 100_000


class Kind(models.TextChoices):
    IN_PERSON = "in_person", pgettext_lazy("meeting kind", "in person")
    ONLINE = "online", pgettext_lazy("meeting kind", "online")
    HYBRID = "hybrid", pgettext_lazy("meeting kind", "in person and online")


# What each kind needs: a place (an address) and a link.
HAS_PLACE = (Kind.IN_PERSON, Kind.HYBRID)
HAS_LINK = (Kind.ONLINE, Kind.HYBRID)


class Meeting(models.Model):
    project = models.ForeignKey("crowdprojects.Project", on_delete=models.CASCADE, related_name="meetings")
    # None: a meeting of the whole project rather than of one of its stages.
    stage = models.ForeignKey(
        "crowdprojects.Stage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        verbose_name=_("stage"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.IN_PERSON)
    address = models.CharField(_("address"), max_length=ADDRESS_MAX_LENGTH, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    online_url = models.URLField(_("link to the online meeting"), max_length=URL_MAX_LENGTH, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # None: as many as come.
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(CAPACITY_MAX)]
    )
    # None: registration opens with the announcement; it always closes when the meeting starts.
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    # Kept under the meeting's row lock by the services: confirmed places and the waiting list's length.
    registered_count = models.PositiveIntegerField(default=0)
    waiting_count = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("minutes"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    minutes_published_at = models.DateTimeField(null=True, blank=True)
    ideas: "models.ManyToManyField[models.Model, MeetingIdea]" = models.ManyToManyField(
        "crowdprojects.Idea", through="MeetingIdea", related_name="meetings", blank=True
    )
    # iCalendar's SEQUENCE: raised on every change, so calendars replace the event they hold.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["project", "starts_at"], name="meeting_project_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="meeting_starts_first"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="meeting_point_whole",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="meeting_capacity_positive"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="meeting_kind_known"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.project.municipality.slug, self.project_id, self.pk])

    @property
    def has_place(self) -> bool:
        return self.kind in HAS_PLACE

    @property
    def has_link(self) -> bool:
        return self.kind in HAS_LINK

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def seats_left(self) -> int | None:
        """Free places now; None when the meeting takes everyone."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.registered_count, 0)

    def has_ended(self, now: datetime) -> bool:
        return self.ends_at <= now

    def registration_open_at(self, now: datetime) -> bool:
        """Whether people may register at `now`: not cancelled, opened, and until the meeting starts."""
        opened = self.registration_opens is None or self.registration_opens <= now
        return self.cancelled_at is None and opened and now < self.starts_at


class MeetingIdea(models.Model):
    """An idea the meeting produced, linked from its minutes; only ideas of the meeting's project."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey("crowdprojects.Idea", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "idea"], name="meeting_idea_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.idea_id}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("registration", "confirmed")
    WAITING = "waiting", pgettext_lazy("registration", "on the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration", "cancelled")


class Registration(models.Model):
    """One person's place at a meeting (or on its waiting list); one row per person and meeting, which
    a cancellation keeps and a new registration reuses."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    # On the waiting list: 1 is the next to get a place. The list is kept without gaps (1..n).
    position = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="registration_once"),
            models.CheckConstraint(
                condition=Q(status="waiting", position__gte=1)
                | (~Q(status="waiting") & Q(position__isnull=True)),
                name="registration_waiting_has_position",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "status", "position"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.meeting_id}: {self.status}"
