"""Participatory budgeting (model 2): processes, their budgets, proposals, ballots and tallies.

A process moves through its phases by explicit steps an admin takes (`phases.TRANSITIONS`):
residents propose, officials review feasibility and cost, residents vote on the feasible
proposals of each budget, officials count with the process's rule, and the results are
published. A process has one city-wide budget and any number of district budgets. One person
casts one ballot per budget; every ballot is appended to its budget's hash chain.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from veche.access.roles import Tier

TITLE_MAX_LENGTH = 200
CODE_MAX_LENGTH = 64
# Sums of money are whole roubles; a budget larger than this is not a municipal budget.
AMOUNT_MAX = 10**13


class ProcessPhase(models.TextChoices):
    DRAFT = "draft", _("set-up")
    PROPOSALS = "proposals", _("proposals")
    REVIEW = "review", _("feasibility review")
    VOTING = "voting", _("voting")
    COUNTING = "counting", _("counting")
    RESULTS = "results", _("results")
    IMPLEMENTATION = "implementation", _("implementation")


class BallotKind(models.TextChoices):
    APPROVAL = "approval", _("approval: choose between the least and the most number of projects")
    KNAPSACK = "knapsack", _("knapsack: the chosen projects' cost must fit in the budget")
    CUMULATIVE = "cumulative", _("cumulative: share a number of points among projects")


class Rule(models.TextChoices):
    """The counting rules of the engine (`engine.RULES`), with names for people."""

    GREEDY = "greedy", _("greedy: the most approved projects that still fit")
    MES = "mes", _("Method of Equal Shares")
    MES_ADD1 = "mes-add1", _("Method of Equal Shares with the Add1 completion")
    MES_ADD1_COMPARISON = (
        "mes-add1-comparison",
        _("Method of Equal Shares with Add1, compared with greedy"),
    )
    PHRAGMEN = "phragmen", _("sequential Phragmén")


class Utilities(models.TextChoices):
    COST = "cost", _("cost utilities: a project is worth its cost to its supporters")
    CARDINAL = (
        "cardinal",
        _(
            "cardinal utilities: every approved project is worth the same, "
            "or on a cumulative ballot the points given to it"
        ),
    )


class TieBreaking(models.TextChoices):
    # Project ids are compared as text, as pabulib's tools do: "10" comes before "9".
    LEXICOGRAPHIC = "lexicographic", _("by project id, compared as text (10 before 9)")
    COST = "cost", _("cheaper project first, then by project id")
    MINUS_COST = "-cost", _("more expensive project first, then by project id")
    VOTES = "votes", _("more votes first, then by project id")


class ProcessTier(models.IntegerChoices):
    REGISTERED = Tier.REGISTERED.value, _("registered users")
    VERIFIED = Tier.VERIFIED.value, _("verified residents")


class Process(models.Model):
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="budget_processes"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    phase = models.CharField(
        _("phase"), max_length=20, choices=ProcessPhase.choices, default=ProcessPhase.DRAFT
    )
    ballot_kind = models.CharField(_("ballot"), max_length=12, choices=BallotKind.choices)
    # How many projects a ballot chooses (or gives points to); no maximum when empty.
    min_projects = models.PositiveSmallIntegerField(_("at least"), default=1)
    max_projects = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    points_total = models.PositiveIntegerField(_("points to share"), null=True, blank=True)
    rule = models.CharField(_("counting rule"), max_length=24, choices=Rule.choices, default=Rule.MES_ADD1)
    utilities = models.CharField(
        _("utilities"), max_length=10, choices=Utilities.choices, default=Utilities.COST
    )
    tie_breaking = models.CharField(
        _("tie-breaking"), max_length=16, choices=TieBreaking.choices, default=TieBreaking.LEXICOGRAPHIC
    )
    tier = models.PositiveSmallIntegerField(
        _("who may take part"), choices=ProcessTier.choices, default=ProcessTier.VERIFIED
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    phase_changed_at = models.DateTimeField()
    # The timetable announced to residents. An admin still moves the process between phases
    # (`phases.TRANSITIONS`); these dates say when they plan to, and review runs from the close of
    # proposals to the opening of voting. Each may be left empty.
    proposals_opens_at = models.DateTimeField(_("proposals open"), null=True, blank=True)
    proposals_closes_at = models.DateTimeField(_("proposals close"), null=True, blank=True)
    voting_opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    results_at = models.DateTimeField(_("results published"), null=True, blank=True)
    # A process made from a pabulib file: the SHA-256 of the file, to say which one.
    source_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("budgeting process")
        verbose_name_plural = _("budgeting processes")
        indexes = [models.Index(fields=["municipality", "phase"], name="budget_process_phase")]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_projects__isnull=True) | Q(min_projects__lte=models.F("max_projects")),
                name="budget_process_projects_range",
            ),
            models.CheckConstraint(
                condition=~Q(ballot_kind="cumulative") | Q(points_total__gte=1),
                name="budget_process_cumulative_points",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Budget(models.Model):
    """Money to share among a process's projects: city-wide, or for one district's residents."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="budgets")
    district = models.ForeignKey(
        "municipalities.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.PositiveBigIntegerField(_("amount, roubles"))

    class Meta:
        ordering = ["process", "id"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            # Two partial constraints rather than one with a NULL district: one city-wide budget.
            models.UniqueConstraint(
                fields=["process", "district"],
                condition=Q(district__isnull=False),
                name="budget_district_once",
            ),
            models.UniqueConstraint(
                fields=["process"], condition=Q(district__isnull=True), name="budget_city_once"
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="budget_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.process.title}: {self.scope}"

    @property
    def scope(self) -> str:
        return self.district.title if self.district is not None else str(_("the whole city"))


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    FEASIBLE = "feasible", _("feasible")
    INFEASIBLE = "infeasible", _("not feasible")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Proposal(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="proposals")
    # None for projects imported from a pabulib file.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The id an imported pabulib file gave the project; empty for proposals made here, whose
    # project id is their number (see `project_id`).
    code = models.CharField(_("project id"), max_length=CODE_MAX_LENGTH, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost, roubles"))
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED
    )
    reviewed_cost = models.PositiveBigIntegerField(_("cost after review, roubles"), null=True, blank=True)
    review_reasons = models.TextField(_("reasons"), max_length=settings.TEXT_MAX_LENGTH, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["budget", "id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [models.Index(fields=["process", "status"], name="budget_proposal_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "code"], condition=~Q(code=""), name="budget_proposal_code_once"
            ),
            models.CheckConstraint(
                condition=~Q(status="feasible") | Q(reviewed_cost__isnull=False),
                name="budget_feasible_has_cost",
            ),
            models.CheckConstraint(
                condition=~Q(status="infeasible") | ~Q(review_reasons=""),
                name="budget_infeasible_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def project_id(self) -> str:
        """The project's id in pabulib files, in paper-ballot files and in tie-breaking (as text)."""
        return self.code or str(self.pk)

    @property
    def cost(self) -> int:
        """What the project costs on the ballot: the reviewed cost once there is one."""
        return self.reviewed_cost if self.reviewed_cost is not None else self.estimated_cost


class BallotSource(models.TextChoices):
    WEB = "web", _("cast here")
    PAPER = "paper", _("paper ballot")
    PABULIB = "pabulib", _("imported from a pabulib file")


class PaperBatch(models.Model):
    """One file of paper ballots (or of a pabulib file's votes) imported into a budget."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        PABULIB = "pabulib", _("pabulib")

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="paper_batches")
    format = models.CharField(max_length=10, choices=Format.choices)
    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    ballots = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("import of paper ballots")
        verbose_name_plural = _("imports of paper ballots")
        constraints = [models.UniqueConstraint(fields=["budget", "sha256"], name="budget_batch_file_once")]

    def __str__(self) -> str:
        return f"{self.filename or self.sha256[:12]} → {self.budget_id}"


class Ballot(models.Model):
    """One ballot on one budget, with the tier and district it was cast with. It never changes."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="ballots")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="ballots")
    # The voter of a ballot cast here; None for paper and imported ballots.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_ballots",
    )
    tier = models.PositiveSmallIntegerField(choices=ProcessTier.choices)
    district = models.ForeignKey(
        "municipalities.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=BallotSource.choices, default=BallotSource.WEB)
    # The number printed on a paper ballot, or the voter id of a pabulib file.
    voter_ref = models.CharField(max_length=CODE_MAX_LENGTH, blank=True)
    batch = models.ForeignKey(
        PaperBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="ballot_rows"
    )
    created_at = models.DateTimeField()
    # The hash of the ballot's ledger entry; the nonce stays with the voter.
    receipt = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["budget", "id"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "user"], condition=Q(user__isnull=False), name="budget_ballot_once"
            ),
            models.UniqueConstraint(
                fields=["budget", "voter_ref"], condition=~Q(voter_ref=""), name="budget_paper_ballot_once"
            ),
            models.CheckConstraint(
                condition=Q(source="web", user__isnull=False, voter_ref="")
                | (~Q(source="web") & Q(user__isnull=True) & ~Q(voter_ref="")),
                name="budget_ballot_source",
            ),
        ]

    def __str__(self) -> str:
        return f"ballot {self.pk} on {self.budget_id}"


class BallotChoice(models.Model):
    """A project on a ballot, with its points (1 on approval and knapsack ballots)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="choices")
    points = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["ballot", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="budget_choice_once"),
            models.CheckConstraint(condition=Q(points__gte=1), name="budget_choice_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.proposal_id} × {self.points}"


class Tally(models.Model):
    """The stored result of one count of a budget's ballots with one rule; a recount adds another
    tally, and the newest stands."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="tallies")
    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="tallies")
    rule = models.CharField(max_length=24, choices=Rule.choices)
    utilities = models.CharField(max_length=10, choices=Utilities.choices)
    tie_breaking = models.CharField(max_length=16, choices=TieBreaking.choices)
    counted_at = models.DateTimeField()
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    voters = models.PositiveIntegerField()
    # Proposal ids in the order the rule funded them.
    winners = models.JSONField(default=list)
    # The engine's result: every project's outcome with its numbers (`Result.as_dict()`), and
    # `proposals`, project id -> proposal id.
    explanations = models.JSONField(default=dict)
    total_cost = models.PositiveBigIntegerField()
    # The Method of Equal Shares: each voter's share in the run that decided (after Add1).
    share = models.FloatField(null=True, blank=True)
    add1_steps = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-counted_at", "-id"]
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        indexes = [models.Index(fields=["budget", "-counted_at"], name="budget_count_latest")]

    def __str__(self) -> str:
        return f"{self.rule} tally of {self.budget_id}"
