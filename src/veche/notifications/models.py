"""Notices for people (in the site and by e-mail) and what each person follows."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from veche.notifications.messages import render


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=50)
    # The title and body as written in the recipient's language when the notice was left: what a
    # notice without `params` (one from before them, or one given as plain text) shows.
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    # The title and body as messages with their arguments (veche.notifications.messages), written
    # out in the reader's language whenever the notice is shown.
    params = models.JSONField(null=True, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title_text(self) -> str:
        """The title in the active language."""
        if self.params is None:
            return self.title
        return render(self.params["title"])[:200]

    @property
    def body_text(self) -> str:
        """The body in the active language: plain text (templates escape it)."""
        if self.params is None:
            return self.body
        return render(self.params["body"])


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "content_type", "object_id"], name="follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.content_type_id}:{self.object_id}"
