"""Problem reports: what a resident tells the city, its photos, supporters and full history."""

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from veche.moderation.models import Moderated


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    MODERATED = "moderated", _("passed moderation")
    DECLINED = "declined", _("declined by moderator")
    ROUTED = "routed", _("routed to department")
    IN_PROGRESS = "in_progress", _("in progress")
    RESOLVED = "resolved", _("resolved")
    REJECTED = "rejected", _("rejected")
    CLOSED = "closed", _("closed")


# Statuses in which the city still owes an answer; a report in them past its deadline is overdue.
AWAITING_ANSWER = (Status.SUBMITTED, Status.MODERATED, Status.ROUTED, Status.IN_PROGRESS)
# Statuses in which the author may confirm or dispute the answer.
ANSWERED = (Status.RESOLVED, Status.REJECTED)
# Statuses the public sees (a submitted report is public once a moderator has passed it).
PUBLIC = (Status.ROUTED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED, Status.CLOSED)


# Bands of 1/200 degree of latitude (about 550 m) and of longitude (about 310 m in Moscow); a
# latitude band and a longitude band make a cell. CAST truncates the same way in both databases.
BANDS_PER_DEGREE = 200


class Band(models.Func):
    """A coordinate * 200, truncated to an integer, with the number written into the SQL: SQLite
    uses an index on an expression only for the very same expression, and a query parameter is not
    the same. SQLite's CAST truncates; PostgreSQL's rounds, so there it truncates first."""

    template = f"CAST((%(expressions)s * {BANDS_PER_DEGREE}) AS integer)"
    output_field = models.IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = f"CAST(TRUNC(%(expressions)s * {BANDS_PER_DEGREE}) AS integer)"
        return self.as_sql(compiler, connection, template=template, **extra)


def band_of(coordinate: float) -> int:
    """The band of a coordinate, as `Band` computes it in the database."""
    return int(coordinate * BANDS_PER_DEGREE)


LATITUDE_BAND = Band(F("latitude"))
LONGITUDE_BAND = Band(F("longitude"))


class Source(models.TextChoices):
    WEB = "web", _("web site")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class Report(Moderated):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="reports"
    )
    category = models.ForeignKey("municipalities.Category", on_delete=models.PROTECT, related_name="reports")
    district = models.ForeignKey(
        "municipalities.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    department = models.ForeignKey(
        "municipalities.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    description = models.TextField(_("description"), max_length=settings.TEXT_MAX_LENGTH)
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    moderation_due = models.DateField()
    answer_due = models.DateField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("official answer"), blank=True)
    confirm_due = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    supporters_count = models.PositiveIntegerField(default=0)
    # What an Open311 client sent about its reporter: kept for the city, never shown in a GET.
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=50, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["municipality", "status", "answer_due"], name="report_queue"),
            models.Index(fields=["municipality", "-created_at"], name="report_recent"),
            # The map, Open311's radius search and the nearby hint filter on status, visibility and
            # age as well as on the box: with those columns in the index the database checks them
            # there, and reads only the rows that pass (the map's clusters need no row at all).
            models.Index(
                fields=["municipality", "latitude", "longitude", "status", "hidden_at", "created_at"],
                name="report_geo",
            ),
            models.Index(
                fields=["category", "status", "hidden_at", "latitude", "longitude"],
                name="report_category_geo",
            ),
            # Boxes (map points, Open311's lat/long/radius): a box is the few cells it touches, each
            # looked up on its own instead of one range of latitude that crosses the whole city, and
            # within a cell the reports are in time order, so a search of the last 90 days (Open311's
            # default) reads only those. Holds what the searches check and return.
            models.Index(
                F("municipality"),
                LATITUDE_BAND,
                LONGITUDE_BAND,
                F("created_at"),
                F("latitude"),
                F("longitude"),
                F("status"),
                F("hidden_at"),
                F("id"),
                name="report_geo_cell",
            ),
            # The public list filtered by category or district, newest first, read in index order:
            # with the columns every public filter checks, its count and the ids of a page come from
            # the index alone.
            models.Index(
                fields=["category", "created_at", "id", "status", "hidden_at", "municipality"],
                name="report_category_list",
            ),
            models.Index(
                fields=["district", "created_at", "id", "status", "hidden_at", "municipality"],
                name="report_district_list",
            ),
            models.Index(fields=["department", "status", "answer_due"], name="report_department_queue"),
            models.Index(fields=["municipality", "updated_at"], name="report_updated"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description[:50]}"

    @property
    def is_open(self) -> bool:
        return self.status in AWAITING_ANSWER

    def is_overdue(self, today: date) -> bool:
        """Still owed an answer whose day is before `today` (the municipality's): `overdue_on` as a test."""
        return self.status in AWAITING_ANSWER and self.answer_due < today


def overdue_on(today: date) -> models.Q:
    """Reports still owed an answer whose day is before `today`: `Report.is_overdue` as a query."""
    return models.Q(status__in=AWAITING_ANSWER, answer_due__lt=today)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    MODERATED = "moderated", _("passed moderation")
    DECLINED = "declined", _("declined by moderator")
    ROUTED = "routed", _("routed to department")
    REASSIGNED = "reassigned", _("reassigned to another department")
    STARTED = "started", _("work started")
    RESOLVED = "resolved", _("resolved")
    REJECTED = "rejected", _("rejected")
    CONFIRMED = "confirmed", _("confirmed by the author")
    DISPUTED = "disputed", _("disputed by the author")
    CLOSED = "closed", _("closed")
    ESCALATED = "escalated", _("overdue, escalated")
    COMMENT = "comment", _("official comment")


class ReportEvent(models.Model):
    """One step of a report's life. Append-only: every status change writes exactly one."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    department = models.ForeignKey(
        "municipalities.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["report", "created_at"]),
            # Feeds of recent changes across all reports (Open311 servicerequestupdates).
            models.Index(fields=["created_at", "id"], name="report_event_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.kind}"


def photo_path(instance: "ReportPhoto", filename: str) -> str:
    # The server names every file; nothing of the uploaded name is kept.
    return f"reports/{instance.report.municipality_id}/{uuid.uuid4().hex}.jpg"


class ReportPhoto(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("photo of the problem")
        ANSWER = "answer", _("photo of the result")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPORT)
    image = models.ImageField(upload_to=photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return str(self.image.name)


class ReportSupport(models.Model):
    """ "Me too": a resident has the same problem. One per person per report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "user"], name="report_support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.report_id}"


class RoutingRule(models.Model):
    """Reports of a category in a district go to this department instead of the category's own."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="routing_rules"
    )
    category = models.ForeignKey(
        "municipalities.Category",
        on_delete=models.CASCADE,
        related_name="routing",
        verbose_name=_("category"),
    )
    district = models.ForeignKey(
        "municipalities.District", on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )
    department = models.ForeignKey(
        "municipalities.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "district"], name="routing_rule_once")]

    def __str__(self) -> str:
        return f"{self.category} / {self.district} → {self.department}"


class MapCell(models.Model):
    """How many public reports in one status lie in one cell of the map's grid at one zoom level:
    all of them, those of one category, or those of one district.

    The map of a whole city reads a few thousand of these rows instead of grouping a million reports.
    The report services keep them (reports/mapcells.py: every change that moves a report on or off
    the public map, or to another status, adds and subtracts in the same transaction);
    `veche reports map rebuild` counts them again from the reports.
    """

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.PositiveSmallIntegerField()  # the zoom level whose grid the cell belongs to
    # A category's or district's id, or 0 for all of them: plain numbers, as 0 is no row of theirs
    # (a category with reports cannot be deleted; a deleted district's rows only go unread).
    category_key = models.PositiveIntegerField()
    district_key = models.PositiveIntegerField()
    x = models.IntegerField()  # floor(longitude / cell size)
    y = models.IntegerField()  # floor(latitude / cell size)
    # A status, or "overdue:" and a status for the rows of overdue reports (of all categories and
    # districts): open ones whose answer was due before the municipality's MapOverdueDay.
    status = models.CharField(max_length=30)
    count = models.IntegerField()

    class Meta:
        constraints = [
            # The key of the upsert and the index the map reads: one grain of one level is one range,
            # and a box is a range of x within it.
            models.UniqueConstraint(
                fields=["municipality", "level", "category_key", "district_key", "x", "y", "status"],
                name="map_cell_key",
            )
        ]

    def __str__(self) -> str:
        grain = f"{self.category_key}/{self.district_key}"
        return f"{self.level}/{self.x}/{self.y} {grain} {self.status}: {self.count}"


class MapOverdueDay(models.Model):
    """The overdue rows of a municipality's map cells count the open reports due before this day.

    The hourly tick moves it to today (reports/mapcells.py: advance_overdue_day); until it has, the
    map's overdue filter groups the reports themselves.
    """

    municipality = models.OneToOneField(
        "municipalities.Municipality", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    day = models.DateField()

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.day}"


class AnswerTemplate(models.Model):
    """A ready answer officials start from, for one category or for all."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="answer_templates"
    )
    category = models.ForeignKey(
        "municipalities.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=settings.TEXT_MAX_LENGTH)

    class Meta:
        ordering = ["title"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self) -> str:
        return self.title
