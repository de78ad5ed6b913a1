"""Crowd projects (model 1): the municipality opens a question and residents take part in the whole
cycle, stage by stage: propose ideas, discuss and assess them, map opinions, vote, then follow the
selection and the implementation (and, where a stage says so, co-finance, draft a text together and
meet).

A project is a draft until it is published. Its timeline is a list of dated stages, made from a
template the organiser edits (`stages.TEMPLATES`); what a stage allows is declared by its kind
(`stages.KINDS`), and the project's status and current stage follow from the dates. An idea is a
petition without a threshold: residents support it (once each, on the project's hash chain), and the
selection answers every idea, taken up or not, with a public reason.
"""

import uuid
from datetime import date, datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from veche.access.roles import Tier
from veche.moderation.models import Moderated
from veche.municipalities.models import District
from veche.petitions.models import Endorsement, Petition, petition_indexes

TITLE_MAX_LENGTH = 200
STAGE_TITLE_MAX_LENGTH = 120
TAGS_MAX_LENGTH = 200
STAGES_MAX = 20


class StageKind(models.TextChoices):
    """What a stage is for; what each allows is data in `stages.KINDS`."""

    IDEAS = "ideas", pgettext_lazy("stage", "ideas")
    DISCUSSION = "discussion", pgettext_lazy("stage", "discussion")
    ASSESSMENT = "assessment", pgettext_lazy("stage", "assessment")
    DELIBERATION = "deliberation", pgettext_lazy("stage", "opinion mapping")
    VOTING = "voting", pgettext_lazy("stage", "voting")
    SELECTION = "selection", pgettext_lazy("stage", "selection")
    IMPLEMENTATION = "implementation", pgettext_lazy("stage", "implementation")
    COFINANCING = "cofinancing", pgettext_lazy("stage", "co-financing")
    DRAFTING = "drafting", pgettext_lazy("stage", "drafting the text")
    MEETINGS = "meetings", pgettext_lazy("stage", "meetings")
    ANNOUNCEMENT = "announcement", pgettext_lazy("stage", "announcement")


class ProjectStatus(models.TextChoices):
    """Where a published project stands, from its dates: `stages.status_at`."""

    DRAFT = "draft", pgettext_lazy("project status", "draft")
    UPCOMING = "upcoming", pgettext_lazy("project status", "upcoming")
    RUNNING = "running", pgettext_lazy("project status", "running")
    FINISHED = "finished", pgettext_lazy("project status", "finished")


class ProjectTier(models.IntegerChoices):
    """Who may take part: anyone with a confirmed account, or only residents verified in the municipality."""

    REGISTERED = Tier.REGISTERED.value, _("registered users")
    VERIFIED = Tier.VERIFIED.value, _("verified residents")


class VotingMethod(models.TextChoices):
    APPROVAL = "approval", _("approval: choose up to a number of ideas")
    RATING = "rating", _("rating: give each idea 1 to 5")


class Project(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="crowd_projects"
    )
    title = models.CharField(_("question"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=settings.TEXT_MAX_LENGTH)
    # The body that organises the project; none: the municipality's administration itself.
    department = models.ForeignKey(
        "municipalities.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="crowd_projects",
        verbose_name=_("organiser"),
    )
    tier = models.PositiveSmallIntegerField(
        _("who may take part"), choices=ProjectTier.choices, default=ProjectTier.REGISTERED
    )
    # No districts: the whole municipality. Otherwise only residents verified in one of them take part.
    districts: "models.ManyToManyField[District, ProjectDistrict]" = models.ManyToManyField(
        "municipalities.District", through="ProjectDistrict", related_name="+", blank=True
    )
    voting_method = models.CharField(
        _("how residents vote"), max_length=10, choices=VotingMethod.choices, default=VotingMethod.APPROVAL
    )
    # An approval ballot chooses at most this many ideas.
    approval_limit = models.PositiveSmallIntegerField(
        _("ideas a resident may choose"), default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Kept from the stages on every change of the timeline, so lists filter by status in the database.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("crowd project")
        verbose_name_plural = _("crowd projects")
        indexes = [
            models.Index(fields=["municipality", "published_at", "starts_at"], name="project_starts"),
            models.Index(fields=["municipality", "published_at", "ends_at"], name="project_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__lt=models.F("ends_at")),
                name="project_starts_first",
            ),
            models.CheckConstraint(
                condition=Q(approval_limit__gte=1), name="project_approval_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("crowdprojects:detail", args=[self.municipality.slug, self.pk])

    def status_at(self, now: datetime) -> ProjectStatus:
        """`status_q` as a test on the object."""
        if self.published_at is None:
            return ProjectStatus.DRAFT
        if self.starts_at is None or self.ends_at is None or now < self.starts_at:
            return ProjectStatus.UPCOMING
        if now < self.ends_at:
            return ProjectStatus.RUNNING
        return ProjectStatus.FINISHED


def status_q(status: str, now: datetime) -> Q:
    """The projects in `status` at `now`, as a filter: `Project.status_at` as a query."""
    published = Q(published_at__isnull=False)
    if status == ProjectStatus.DRAFT:
        return Q(published_at__isnull=True)
    if status == ProjectStatus.UPCOMING:
        return published & (Q(starts_at__isnull=True) | Q(starts_at__gt=now))
    if status == ProjectStatus.RUNNING:
        return published & Q(starts_at__lte=now, ends_at__gt=now)
    if status == ProjectStatus.FINISHED:
        return published & Q(ends_at__lte=now)
    raise ValueError(status)


class ProjectDistrict(models.Model):
    """A district a project is limited to; a district with projects cannot be deleted from under them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("municipalities.District", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "district"], name="project_district_once")]

    def __str__(self) -> str:
        return f"{self.project_id} in {self.district_id}"


class Stage(models.Model):
    """One dated step of a project's timeline. Stages follow one another: each starts no earlier than
    the one before ends (checked by `services.project_set_stages`), so at any moment at most one runs."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=20, choices=StageKind.choices)
    # Empty: the kind's name is the stage's title.
    title = models.CharField(_("title"), max_length=STAGE_TITLE_MAX_LENGTH, blank=True)
    description = models.TextField(_("what happens"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # When the project's followers were told the stage began (`services.projects_announce`); kept
    # across edits of the timeline, so that a stage is announced once.
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="stage_position_once"),
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="stage_starts_first"),
        ]

    def __str__(self) -> str:
        return self.title or str(StageKind(self.kind).label)

    @property
    def name(self) -> str:
        return str(self)

    def runs_at(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


class IdeaStatus(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("idea status", "proposed")
    # Petition's second status; ideas have no threshold, so none is ever in it.
    THRESHOLD_REACHED = "threshold_reached", pgettext_lazy("idea status", "proposed")
    SELECTED = "selected", pgettext_lazy("idea status", "taken up")
    NOT_SELECTED = "not_selected", pgettext_lazy("idea status", "not taken up")
    MERGED = "merged", pgettext_lazy("idea status", "merged into another idea")


class Idea(Petition):
    """A resident's proposal in a project (CrowdCreation). Its supporters are `IdeaSupport`s; the
    selection's decision is the petition's answer (`answer`, `answered_at`, `answered_by`)."""

    URL_NAME = "crowdprojects:idea"
    ANSWERED = (IdeaStatus.SELECTED, IdeaStatus.NOT_SELECTED)

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ideas")
    status = models.CharField(max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.PUBLISHED)
    # Comma-separated, lower case, as the author typed them (`services.idea_tags`).
    tags = models.CharField(_("tags"), max_length=TAGS_MAX_LENGTH, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    updated_at = models.DateTimeField(null=True, blank=True)
    # The idea this one was merged into by a moderator; its supporters and author are credited there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_ideas"
    )

    class Meta(Petition.Meta):
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            *petition_indexes("-created_at"),
            models.Index(fields=["project", "status", "-endorsements_count"], name="idea_project_popular"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="idea_point_whole",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="idea_merged_has_target"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["selected", "not_selected"]) | Q(answered_at__isnull=False),
                name="idea_decided_has_date",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse(self.URL_NAME, args=[self.municipality.slug, self.project_id, self.pk])

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in (t.strip() for t in self.tags.split(",")) if tag]


class IdeaSupport(Endorsement):
    """One person's support of an idea, with their tier; once per person, on the project's chain."""

    petition = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")


# The selection and the implementation (issue 12, part "selection").

REASON_MIN_LENGTH = 10
RESPONSIBLE_MAX_LENGTH = 200
MONITORING_MAX_LENGTH = 2000
PHOTOS_MAX = 3


class Selection(models.Model):
    """The organiser's published selection of a project: until it exists, the decisions on the ideas
    are seen only by those who run the project."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="selection")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.project_id} selected at {self.published_at:%Y-%m-%d}"


class Decision(models.Model):
    """The organiser's decision on an idea, with the reason in the idea's `answer` (`answered_at`,
    `answered_by`). It stays the organisers' until the selection is published, which moves the idea
    to SELECTED or NOT_SELECTED: the idea's status is public, the decision before that is not. A
    taken-up idea names who carries it out (a department of the municipality, or a body in words)
    and by when."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="decision")
    selected = models.BooleanField(_("taken up"))
    department = models.ForeignKey(
        "municipalities.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible department"),
    )
    responsible = models.CharField(_("responsible"), max_length=RESPONSIBLE_MAX_LENGTH, blank=True)
    planned_by = models.DateField(_("to be done by"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(selected=False) | Q(planned_by__isnull=False), name="decision_taken_up_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {'taken up' if self.selected else 'not taken up'}"

    @property
    def who(self) -> str:
        return self.responsible or str(self.department or "")


class Milestone(models.Model):
    """A step of carrying out a taken-up idea, with a due day and its progress."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("milestone"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    due_on = models.DateField(_("due"))
    progress = models.PositiveSmallIntegerField(
        _("progress, %"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    done_at = models.DateTimeField(null=True, blank=True)
    # The local day of the latest update: a milestone updated since its due day is not overdue.
    updated_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["idea", "position"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["idea", "position"], name="milestone_position_once"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="milestone_progress_percent"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        """Past its due day, not done, and no update since that day: `overdue_on` as a test."""
        return (
            self.done_at is None
            and self.due_on < today
            and (self.updated_on is None or self.updated_on <= self.due_on)
        )

    @classmethod
    def overdue_on(cls, today: date) -> Q:
        """Milestones past their due day by `today`, not done, not updated since: `is_overdue` as a query."""
        return Q(done_at__isnull=True, due_on__lt=today) & (
            Q(updated_on__isnull=True) | Q(updated_on__lte=models.F("due_on"))
        )


def implementation_photo_path(instance: models.Model, filename: str) -> str:
    # The server names every file; nothing of the uploaded name is kept.
    return f"crowdprojects/{uuid.uuid4().hex}.jpg"


class MilestoneUpdate(models.Model):
    """What the organiser reports on a milestone's work: a text, the progress now, photos."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("what was done"), max_length=settings.TEXT_MAX_LENGTH)
    progress = models.PositiveSmallIntegerField(_("progress, %"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["milestone", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.milestone_id}: {self.progress}%"


class MilestonePhoto(models.Model):
    """A photo of a milestone's update, re-encoded on upload (no EXIF or GPS data is kept)."""

    update = models.ForeignKey(MilestoneUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=implementation_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.image.name)


def idea_photo_path(instance: "IdeaPhoto", filename: str) -> str:
    return f"ideas/{instance.idea_id}/{filename}"


class IdeaPhoto(models.Model):
    """A photo the author attached to an idea, re-encoded when it was uploaded (`core.images`)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=idea_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return str(self.image.name)


class Verdict(models.TextChoices):
    DONE = "done", pgettext_lazy("verdict", "done")
    PARTLY = "partly", pgettext_lazy("verdict", "partly done")
    NOT_DONE = "not_done", pgettext_lazy("verdict", "not done")


class MonitoringReport(Moderated):
    """A resident's report of what they see on the ground of a taken-up idea's work."""

    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="monitoring_reports")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="monitoring_reports"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    text = models.TextField(_("what you saw"), max_length=MONITORING_MAX_LENGTH)
    tier = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["idea", "-created_at"], name="monitoring_idea_newest")]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse(
            "crowdprojects:implementation",
            args=[self.municipality.slug, self.idea.project_id, self.idea_id],
        )


class MonitoringPhoto(models.Model):
    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=implementation_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.image.name)


class ResultRating(models.Model):
    """One person's rating of a taken-up idea's result, 1 to 5; changeable, once per person."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="result_ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    tier = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="result_rating_once"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="result_rating_stars"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.stars}"


class IdeaAuthor(models.Model):
    """A co-author of an idea besides its own author: the author of an idea merged into it."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="coauthors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The idea whose merge credited them.
    merged_from = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="idea_author_once")]

    def __str__(self) -> str:
        return f"{self.user_id} co-authors {self.idea_id}"


class CrowdBallot(models.Model):
    """One person's ballot in a project's voting stage, with the tier and district it was cast with.
    It never changes; its choices are `CrowdBallotChoice`s, its receipt on the project's chain."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="crowd_ballots")
    tier = models.PositiveSmallIntegerField(choices=ProjectTier.choices)
    # The district of the voter's verification when they voted (none for a registered voter).
    district = models.ForeignKey(
        "municipalities.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The hash of the ballot's ledger entry, to check at /ledger/; the nonce stays with the voter.
    receipt = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="crowd_ballot_once")]

    def __str__(self) -> str:
        return f"{self.user_id} voted in {self.project_id}"


RATING_MIN, RATING_MAX = 1, 5


class CrowdBallotChoice(models.Model):
    """An idea on a ballot: chosen (approval, no rating) or rated 1 to 5 (rating)."""

    ballot = models.ForeignKey(CrowdBallot, on_delete=models.CASCADE, related_name="choices")
    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="ballot_choices")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["ballot", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "idea"], name="crowd_ballot_idea_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="crowd_ballot_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.idea_id}" + (f" = {self.rating}" if self.rating is not None else "")


# CrowdWisdom: assessment. Residents rate ideas 1 to 5; invited experts score them on the project's
# criteria (1 to 5, as residents rate), each score with its reason.

STARS_MAX = 5
SCORE_MAX = 5
CRITERION_NAME_MAX_LENGTH = 120
EXPERT_NAME_MAX_LENGTH = 120


class IdeaRating(models.Model):
    """One person's rating of an idea, 1 to 5 stars; changed, never doubled, while the assessment runs."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(STARS_MAX)]
    )
    tier = models.PositiveSmallIntegerField()
    district = models.ForeignKey(
        "municipalities.District", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="idea_rating_once"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=STARS_MAX), name="idea_rating_stars"),
        ]

    def __str__(self) -> str:
        return f"{self.stars} for {self.idea_id}"


class Criterion(models.Model):
    """What experts score the ideas of a project on (cost, feasibility, benefit...), with its weight."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("criterion"), max_length=CRITERION_NAME_MAX_LENGTH)
    description = models.TextField(_("what it means"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        ordering = ["project", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="criterion_name_once"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=10), name="criterion_weight"),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectExpert(models.Model):
    """A person the organiser invited to score a project's ideas; published with their name."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="experts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField()
    public_name = models.CharField(_("name shown"), max_length=EXPERT_NAME_MAX_LENGTH)
    affiliation = models.CharField(_("affiliation"), max_length=EXPERT_NAME_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["project", "public_name", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="project_expert_once")]

    def __str__(self) -> str:
        return self.public_name


class ExpertScore(models.Model):
    """An expert's score of an idea on a criterion, 1 to SCORE_MAX, with the reason for it."""

    expert = models.ForeignKey(ProjectExpert, on_delete=models.CASCADE, related_name="scores")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="expert_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(_("why"), max_length=settings.TEXT_MAX_LENGTH)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["expert", "idea", "criterion"], name="expert_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=SCORE_MAX), name="expert_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.score} for {self.idea_id} on {self.criterion_id}"
