"""Municipalities, their districts, departments, report categories, calendars and staff."""

from typing import Any, TypeVar
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

_Named = TypeVar("_Named", bound=models.Model)


class InReaderOrder(models.Manager[_Named]):
    """Rows sorted by name in the reader's language, a row without that name by its Russian one.

    (modeltranslation would rewrite an ordering by "name" to name_en alone, which puts the rows that
    have no English name first on one database and last on the other.)
    """

    def get_queryset(self) -> models.QuerySet[_Named]:
        language = get_language() or settings.LANGUAGE_CODE
        if language not in {code for code, _name in settings.LANGUAGES}:
            language = settings.LANGUAGE_CODE
        return super().get_queryset().order_by(Coalesce(f"name_{language}", "name_ru"), "pk")


class Named(models.Model):
    """A name staff give in Russian and, optionally, in English.

    veche/municipalities/translation.py registers `name` (and the models' other texts) with
    django-modeltranslation: the columns are name_ru and name_en, `name` reads the one of the active
    language (Russian when the English one is empty), and filtering by `name` uses it; lists are
    sorted by `InReaderOrder`.
    """

    name = models.CharField(_("name"), max_length=200)
    # The columns modeltranslation adds (veche/municipalities/translation.py), for type checkers.
    name_ru: str
    name_en: str | None

    # (django-stubs cannot resolve the related managers this custom manager of an abstract model
    # gives: hence the ignores on Municipality and Department.)
    objects = InReaderOrder()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Russian is the name every language falls back to: a name given while English was active
        # (and no Russian one) serves as the Russian one too.
        if not self.name_ru:
            self.name_ru = self.name
        # No English name is NULL, not "": two departments without one do not collide on the unique
        # (municipality, name_en) constraint modeltranslation adds.
        self.name_en = self.name_en or None
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        """The name in the reader's language (what pages and the API show)."""
        return self.name


def validate_time_zone(name: str) -> None:
    """A name of the IANA time zone database, such as Europe/Moscow or Asia/Vladivostok."""
    if name not in available_timezones():
        raise ValidationError(
            _("%(name)s is not a time zone name; write one such as Europe/Moscow."),
            code="time_zone",
            params={"name": name},
        )


class Municipality(Named):  # type: ignore[django-manager-missing]
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=50, default="Europe/Moscow", validators=[validate_time_zone]
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)], default=55.7558
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)], default=37.6173
    )
    # Where reports are taken (GeoJSON Polygon or MultiPolygon); without it, the districts' polygons.
    boundary = models.JSONField(_("boundary (GeoJSON Polygon)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")


class District(Named):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="districts")
    slug = models.SlugField(_("slug"), max_length=60)
    polygon = models.JSONField(_("boundary (GeoJSON Polygon)"), null=True, blank=True)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [models.UniqueConstraint(fields=["municipality", "slug"], name="district_slug_unique")]


class Department(Named):  # type: ignore[django-manager-missing]
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="departments")
    email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="department_name_unique")
        ]


class Category(Named):
    """A kind of problem a resident can report, with who answers and by when."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="categories")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="categories")
    slug = models.SlugField(_("code"), max_length=60)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    moderation_days = models.PositiveSmallIntegerField(
        _("moderation, working days"), default=1, validators=[MaxValueValidator(60)]
    )
    answer_days = models.PositiveSmallIntegerField(
        _("answer deadline, working days"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    photo_required = models.BooleanField(_("photo required"), default=False)
    season_start = models.PositiveSmallIntegerField(
        _("season starts (month)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    season_end = models.PositiveSmallIntegerField(
        _("season ends (month)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["municipality", "slug"], name="category_slug_unique")]

    def in_season(self, month: int) -> bool:
        """Whether reports of this category are taken in `month` (seasons may wrap the new year)."""
        if self.season_start is None or self.season_end is None:
            return True
        if self.season_start <= self.season_end:
            return self.season_start <= month <= self.season_end
        return month >= self.season_start or month <= self.season_end


class CalendarDay(models.Model):
    """A departure from the Monday-to-Friday week: a holiday, or a weekend day made working."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="calendar_days")
    date = models.DateField(_("date"))
    is_working = models.BooleanField(_("working day"), default=False)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [models.UniqueConstraint(fields=["municipality", "date"], name="calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Membership(models.Model):
    """A staff role a person holds in one municipality."""

    class Role(models.TextChoices):
        MODERATOR = "moderator", _("moderator")
        OFFICIAL = "official", _("department official")
        ADMIN = "admin", _("municipal admin")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="officials",
        verbose_name=_("department"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["municipality", "role"]
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "municipality", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role="official", department__isnull=False)
                | (~models.Q(role="official") & models.Q(department__isnull=True)),
                name="membership_official_has_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.municipality})"


class ListingRevision(models.Model):
    """What a list kept in a process's memory between requests is kept under (`municipalities.listings`).

    Its token changes, to a new random one, with every write that such a list of the municipality
    depends on; a process that finds a token it has not kept anything under reads the list afresh.
    No row: nothing is kept. Random rather than counted, so that a token never comes back (a counter
    starts again at 1 in a database rolled back or restored)."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.token}"
