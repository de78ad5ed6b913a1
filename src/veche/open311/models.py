"""Open311 GeoReport v2: the API keys of client systems, service definitions, and what clients sent."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    """A client system's key for POSTing service requests to one municipality; only its hash is kept."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="open311_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Datatype(models.TextChoices):
    STRING = "string", _("string (one line)")
    NUMBER = "number", _("number")
    DATETIME = "datetime", _("date and time")
    TEXT = "text", _("text (several lines)")
    SINGLEVALUELIST = "singlevaluelist", _("one value from a list")
    MULTIVALUELIST = "multivaluelist", _("several values from a list")


LIST_DATATYPES = (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


class ServiceAttribute(models.Model):
    """One field of a category's Open311 service definition: what a client must or may add."""

    category = models.ForeignKey(
        "municipalities.Category", on_delete=models.CASCADE, related_name="open311_attributes"
    )
    code = models.CharField(_("code"), max_length=64)
    variable = models.BooleanField(
        _("asks for input"),
        default=True,
        help_text=_("Off: the attribute only shows its description to the person reporting."),
    )
    datatype = models.CharField(_("type"), max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("required"), default=False)
    datatype_description = models.CharField(_("hint on the value"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    description = models.TextField(_("question"), max_length=1000)
    # [{"key": ..., "name": ...}] for the list datatypes, [] for the others.
    values = models.JSONField(_("values"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "order", "id"]
        verbose_name = _("Open311 service attribute")
        verbose_name_plural = _("Open311 service attributes")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code_unique"),
            models.UniqueConstraint(fields=["category", "order"], name="open311_attribute_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.code}"

    @property
    def value_keys(self) -> set[str]:
        return {str(value["key"]) for value in self.values or []}


class Submission(models.Model):
    """What an Open311 client sent with a report beyond the report itself; never shown in a GET whole."""

    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, primary_key=True, related_name="open311_submission"
    )
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    account_id = models.CharField(max_length=100, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    # Sent with an address only: the report stands at the municipality's centre until someone places it.
    approximate_location = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return f"#{self.report_id} via {self.api_key_id}"


class RequestToken(models.Model):
    """The token a POST answers while its request awaits moderation: `tokens/{token}` turns it into the
    request's id once the request is public. Random, so it tells nothing about the request or its
    reporter and cannot be guessed; kept as issued, since all it ever reveals is that public id."""

    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, primary_key=True, related_name="open311_token"
    )
    token = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("Open311 request token")
        verbose_name_plural = _("Open311 request tokens")

    def __str__(self) -> str:
        return f"token of #{self.report_id}"
