"""Flags raised by anyone, and the hidden state that moderators set on content."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Moderated(models.Model):
    """Content that moderators can hide; the author keeps seeing it, with the reason."""

    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.TextField(blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("spam or advertising")
        OFFENSIVE = "offensive", _("offensive or abusive")
        PERSONAL_DATA = "personal_data", _("someone's personal data")
        OFF_TOPIC = "off_topic", _("off topic")
        ILLEGAL = "illegal", _("against the law")
        OTHER = "other", _("other")

    class Resolution(models.TextChoices):
        HIDDEN = "hidden", _("content hidden")
        DISMISSED = "dismissed", _("dismissed")

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="flags"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # One open flag per person per item, however often the button is pressed.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="flag_open_once_per_reporter",
            )
        ]
        indexes = [models.Index(fields=["municipality", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.content_type.model} #{self.object_id})"
