"""Forms of the budgeting pages: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.budgeting.models import (
    AMOUNT_MAX,
    TITLE_MAX_LENGTH,
    BallotKind,
    Budget,
    Process,
    ProcessPhase,
    ProcessTier,
    Proposal,
    Rule,
    TieBreaking,
    Utilities,
)
from veche.budgeting.selectors import money
from veche.budgeting.services.setup import Settings
from veche.core.forms import MarkdownField
from veche.municipalities.models import District, Municipality
from veche.polls.forms import DATETIME_INPUT, LocalDateTimeInput

UPLOAD_HELP = _("UTF-8 text, at most 20 MB.")


class ProcessForm(forms.Form):
    """A process's text and settings; `amount` (the city-wide budget) only when creating one."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = MarkdownField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the money is for, who may propose, and the timetable. Markdown: **bold**, lists."),
    )
    amount = forms.IntegerField(
        label=_("City-wide budget, roubles"),
        min_value=1,
        max_value=AMOUNT_MAX,
        help_text=_("District budgets are added on the process's page."),
    )
    ballot_kind = forms.ChoiceField(
        label=_("Ballot"),
        choices=BallotKind.choices,
        widget=forms.RadioSelect,
        initial=BallotKind.APPROVAL,
    )
    min_projects = forms.IntegerField(
        label=_("A ballot chooses at least"), min_value=0, max_value=1000, initial=1
    )
    max_projects = forms.IntegerField(
        label=_("A ballot chooses at most"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Empty: no limit. On a cumulative ballot, the number of projects given points."),
    )
    points_total = forms.IntegerField(
        label=_("Points each voter shares"),
        min_value=1,
        max_value=1_000_000,
        required=False,
        help_text=_("Cumulative ballots only."),
    )
    rule = forms.ChoiceField(label=_("Counting rule"), choices=Rule.choices, initial=Rule.MES_ADD1)
    utilities = forms.ChoiceField(
        label=_("Utilities (Method of Equal Shares)"), choices=Utilities.choices, initial=Utilities.COST
    )
    tie_breaking = forms.ChoiceField(
        label=_("Tie-breaking"), choices=TieBreaking.choices, initial=TieBreaking.LEXICOGRAPHIC
    )
    tier = forms.TypedChoiceField(
        label=_("Who may propose and vote"),
        choices=ProcessTier.choices,
        coerce=int,
        widget=forms.RadioSelect,
        initial=ProcessTier.VERIFIED,
    )

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["amount"]

    def settings(self) -> Settings:
        data = self.cleaned_data
        return Settings(
            ballot_kind=data["ballot_kind"],
            min_projects=data["min_projects"],
            max_projects=data.get("max_projects"),
            points_total=data.get("points_total"),
            rule=data["rule"],
            utilities=data["utilities"],
            tie_breaking=data["tie_breaking"],
            tier=data["tier"],
        )

    @staticmethod
    def initial_for(process: Process) -> dict[str, Any]:
        return {
            "title": process.title,
            "description": process.description,
            "ballot_kind": process.ballot_kind,
            "min_projects": process.min_projects,
            "max_projects": process.max_projects,
            "points_total": process.points_total,
            "rule": process.rule,
            "utilities": process.utilities,
            "tie_breaking": process.tie_breaking,
            "tier": process.tier,
        }


class ScheduleForm(forms.Form):
    """The timetable residents see; times are read in the municipality's time zone (the view
    activates it). Every date may be left empty."""

    proposals_opens_at = forms.DateTimeField(label=_("Proposals open"))
    proposals_closes_at = forms.DateTimeField(label=_("Proposals close"))
    voting_opens_at = forms.DateTimeField(
        label=_("Voting opens"), help_text=_("Officials review the proposals until voting opens.")
    )
    voting_closes_at = forms.DateTimeField(label=_("Voting closes"))
    results_at = forms.DateTimeField(label=_("Results published"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            field = self.fields[name]
            field.required = False
            field.widget = LocalDateTimeInput()
            field.input_formats = [DATETIME_INPUT]  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(process: Process) -> dict[str, Any]:
        return {name: getattr(process, name) for name in ScheduleForm.base_fields}


class BudgetForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("The whole city"),
        help_text=_("A district's budget is voted on by the residents verified in that district."),
    )
    amount = forms.IntegerField(label=_("Amount, roubles"), min_value=1, max_value=AMOUNT_MAX)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = municipality.districts.order_by("name")  # type: ignore[attr-defined]


class PhaseForm(forms.Form):
    to = forms.ChoiceField(choices=ProcessPhase.choices)


class ProposalForm(forms.Form):
    budget = forms.ModelChoiceField(label=_("Budget"), queryset=Budget.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = MarkdownField(
        label=_("What should be done, where, and why"), widget=forms.Textarea(attrs={"rows": 8})
    )
    estimated_cost = forms.IntegerField(
        label=_("Estimated cost, roubles"),
        min_value=0,
        max_value=AMOUNT_MAX,
        help_text=_("Your estimate; officials check it in the feasibility review."),
    )

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["budget"]
        field.queryset = process.budgets.select_related("district").order_by("id")  # type: ignore[attr-defined]
        field.label_from_instance = lambda b: f"{b.scope} — {money(b.amount)}"  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("feasible", _("Feasible: it goes on the ballot")), ("infeasible", _("Not feasible"))],
        widget=forms.RadioSelect,
    )
    cost = forms.IntegerField(
        label=_("Cost, roubles"),
        min_value=0,
        max_value=AMOUNT_MAX,
        required=False,
        help_text=_("The cost shown on the ballot and used in counting."),
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the proposal is not feasible; shown to everyone."),
    )

    @staticmethod
    def initial_for(proposal: Proposal) -> dict[str, Any]:
        decided = proposal.status in ("feasible", "infeasible")
        return {
            "decision": proposal.status if decided else "",
            "cost": proposal.reviewed_cost if proposal.reviewed_cost is not None else proposal.estimated_cost,
            "reasons": proposal.review_reasons,
        }


def _whole(value: Any) -> int:
    """A points field's value as typed, or 0 when it is not a whole number."""
    try:
        return int(str(value))
    except ValueError:
        return 0


class BallotForm(forms.Form):
    """The ballot: a checkbox per project, or a points field per project on a cumulative ballot.

    It needs no JavaScript; ballot.js only adds a running total. The service checks the limits.
    """

    def __init__(self, *args: Any, process: Process, options: list[Proposal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.process = process
        self.options = options
        self.cumulative = process.ballot_kind == BallotKind.CUMULATIVE
        if self.cumulative:
            for proposal in options:
                self.fields[f"points_{proposal.pk}"] = forms.IntegerField(
                    label=proposal.title,
                    required=False,
                    initial=0,
                    widget=forms.NumberInput(
                        attrs={"min": 0, "max": process.points_total or 0, "step": 1, "class": "points"}
                    ),
                )
        else:
            self.fields["projects"] = forms.TypedMultipleChoiceField(
                label=_("Projects"),
                choices=[(p.pk, p.title) for p in options],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def rows(self) -> list[tuple[Proposal, Any]]:
        """Each project with its points field (cumulative), or with whether it is checked."""
        if self.cumulative:
            return [(p, self[f"points_{p.pk}"]) for p in self.options]
        checked = set()
        if self.is_bound:
            checked = (
                {str(v) for v in self.data.getlist("projects")} if hasattr(self.data, "getlist") else set()
            )
        return [(p, str(p.pk) in checked) for p in self.options]

    def chosen(self) -> tuple[int, int, int]:
        """The projects the ballot as shown chooses: how many, their cost, and the points given. The
        page shows this total before ballot.js takes over (and without it)."""
        count = cost = points = 0
        for proposal, field in self.rows():
            given = _whole(field.value()) if self.cumulative else int(bool(field))
            if given > 0:
                count, cost, points = count + 1, cost + proposal.cost, points + given
        return count, cost, points

    def choices(self) -> list[dict[str, int]]:
        data = self.cleaned_data
        if self.cumulative:
            return [
                {"proposal": p.pk, "points": data[f"points_{p.pk}"]}
                for p in self.options
                if data.get(f"points_{p.pk}") not in (None, 0)
            ]
        return [{"proposal": int(pk)} for pk in data.get("projects") or []]


class CountForm(forms.Form):
    rule = forms.ChoiceField(label=_("Counting rule"), choices=Rule.choices)
    utilities = forms.ChoiceField(label=_("Utilities"), choices=Utilities.choices)
    tie_breaking = forms.ChoiceField(label=_("Tie-breaking"), choices=TieBreaking.choices)


class PaperBallotsForm(forms.Form):
    file = forms.FileField(
        label=_("File of paper ballots"),
        help_text=_(
            "CSV with a header line: voter_id (the ballot's number), vote (project ids separated by commas) "
            "and, on a cumulative ballot, points; or a pabulib VOTES section. "
        )
        + str(UPLOAD_HELP),
    )


class PabulibImportForm(forms.Form):
    file = forms.FileField(label=_("Pabulib .pb file"), help_text=UPLOAD_HELP)
    rule = forms.ChoiceField(
        label=_("Counting rule"),
        choices=[("", _("The file's rule (META rule)"))] + list(Rule.choices),
        required=False,
    )
    utilities = forms.ChoiceField(label=_("Utilities"), choices=Utilities.choices, initial=Utilities.COST)
    tie_breaking = forms.ChoiceField(
        label=_("Tie-breaking"), choices=TieBreaking.choices, initial=TieBreaking.LEXICOGRAPHIC
    )
