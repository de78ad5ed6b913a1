"""Drafting a text together (Decidim's participatory texts), in a crowd project's drafting stage.

The organiser writes a document; it is split into numbered sections (`splitting`) and, once
published, is version 1. Residents comment on a section (the comments app, with the section as its
target) and propose amendments: a new wording of a section, its removal, or a new section after it.
Others support amendments; the organiser accepts or rejects each with a public reason, and
publishes a new version with every accepted amendment applied. Any two versions compare section by
section (`diff`).

A section has a `key`, the same in every version for "the same section": an amended section keeps
its key, a removed one is absent from the later versions, an added one gets a key of its own. The
sections of a published version never change; only the first version's sections are edited, before
the document is published.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from veche.moderation.models import Moderated

TITLE_MAX_LENGTH = 200
HEADING_MAX_LENGTH = 200
NUMBER_MAX_LENGTH = 20
NOTE_MAX_LENGTH = 1000
# The organiser's whole text, before it is split; each section's body is at most TEXT_MAX_LENGTH.
DOCUMENT_MAX_LENGTH = 100_000
SECTIONS_MAX = 200


class Document(models.Model):
    project = models.ForeignKey("crowdprojects.Project", on_delete=models.CASCADE, related_name="documents")
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    # The last section key given out: a new section (of the first text or added by an amendment)
    # takes the next one.
    last_key = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "created_at", "id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("drafting:document", args=[self.municipality.slug, self.project_id, self.pk])


class Version(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("what changed"), max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Section(models.Model):
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    # Follows the section through the versions (see the module's docstring).
    key = models.PositiveIntegerField()
    # "1", "2.1": as the organiser's text numbered it, or the position.
    number = models.CharField(_("number"), max_length=NUMBER_MAX_LENGTH)
    heading = models.CharField(_("heading"), max_length=HEADING_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=settings.TEXT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="section_position_once"),
            models.UniqueConstraint(fields=["version", "key"], name="section_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}" if self.heading else str(self.number)

    def get_absolute_url(self) -> str:
        document = self.version.document
        url = reverse(
            "drafting:section", args=[document.municipality.slug, document.project_id, document.pk, self.key]
        )
        return f"{url}?version={self.version.number}"

    @property
    def municipality(self) -> object:
        """For the comments under a section (their moderators are the municipality's)."""
        return self.version.document.municipality


class AmendmentKind(models.TextChoices):
    CHANGE = "change", pgettext_lazy("amendment", "new wording")
    REMOVE = "remove", pgettext_lazy("amendment", "remove the section")
    ADD = "add", pgettext_lazy("amendment", "a new section after this one")


class AmendmentStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("amendment", "proposed")
    ACCEPTED = "accepted", pgettext_lazy("amendment", "accepted")
    REJECTED = "rejected", pgettext_lazy("amendment", "rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("amendment", "withdrawn")


class Amendment(Moderated):
    """A resident's proposal to change one section of the version it was made on."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="amendments")
    # The section as it stood when proposed: its version is the base version, its key the section's.
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="amendments")
    section_key = models.PositiveIntegerField()
    base_version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=AmendmentKind.choices, default=AmendmentKind.CHANGE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="amendments")
    # The heading of a new section (kind "add"); a change keeps the section's heading.
    heading = models.CharField(_("heading"), max_length=HEADING_MAX_LENGTH, blank=True)
    # The new wording (empty for a removal).
    body = models.TextField(_("new wording"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    rationale = models.TextField(_("why"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    status = models.CharField(
        max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.PROPOSED
    )
    supporters_count = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    # The version that carries an accepted amendment; none until the organiser publishes it.
    applied_in = models.ForeignKey(
        Version, null=True, blank=True, on_delete=models.PROTECT, related_name="applied"
    )
    tier = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        indexes = [models.Index(fields=["document", "section_key", "status"], name="amendment_section")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "withdrawn"])
                | (Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="amendment_decided_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(applied_in__isnull=True) | Q(status="accepted"), name="amendment_applied_accepted"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        document = self.document
        url = reverse(
            "drafting:section",
            args=[document.municipality.slug, document.project_id, document.pk, self.section_key],
        )
        return f"{url}#amendment-{self.pk}"


class AmendmentSupport(models.Model):
    """One person's support of an amendment, with their tier; once per person."""

    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tier = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["amendment", "user"], name="amendment_support_once")]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.amendment_id}"
