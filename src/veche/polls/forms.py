"""Forms of the poll pages: they parse input; the services decide."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField, ModelMultipleChoiceField
from veche.municipalities.models import District, Municipality
from veche.polls.models import OPTIONS_MAX, TITLE_MAX_LENGTH, Kind, Poll, PollTier

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format=DATETIME_INPUT)


class PollForm(forms.Form):
    """A draft poll; times are read in the municipality's time zone (the view activates it)."""

    title = forms.CharField(label=_("Question"), max_length=TITLE_MAX_LENGTH)
    description = MarkdownField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is being decided and what each option means. Markdown: **bold**, lists, links."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.SINGLE
    )
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(_("One option a line, in the order they are shown (2 to {n})."), n=OPTIONS_MAX),
    )
    min_choices = forms.IntegerField(
        label=_("Choose or rank at least"),
        min_value=1,
        max_value=OPTIONS_MAX,
        initial=1,
        help_text=_("For multiple-choice and ranked polls; a single-choice poll takes exactly one."),
    )
    max_choices = forms.IntegerField(
        label=_("Choose or rank at most"),
        min_value=1,
        max_value=OPTIONS_MAX,
        initial=1,
        help_text=_("To have every option ranked, set both numbers to the number of options."),
    )
    tier = forms.TypedChoiceField(
        label=_("Who may vote"),
        choices=PollTier.choices,
        coerce=int,
        widget=forms.RadioSelect,
        initial=PollTier.VERIFIED,
    )
    districts = ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None: the whole municipality. Otherwise only residents verified in these districts."),
    )
    opens_at = forms.DateTimeField(
        label=_("Opens at"), widget=LocalDateTimeInput(), input_formats=[DATETIME_INPUT]
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at"), widget=LocalDateTimeInput(), input_formats=[DATETIME_INPUT]
    )
    live_results = forms.BooleanField(label=_("Show results while voting is open"), required=False)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = municipality.districts.order_by("name")  # type: ignore[attr-defined]

    def clean_options(self) -> list[str]:
        lines = str(self.cleaned_data["options"]).splitlines()
        return [line.strip() for line in lines if line.strip()]

    @staticmethod
    def initial_for(poll: Poll) -> dict[str, Any]:
        return {
            "title": poll.title,
            "description": poll.description,
            "kind": poll.kind,
            "options": "\n".join(option.text for option in poll.options.all()),
            "min_choices": poll.min_choices,
            "max_choices": poll.max_choices,
            "tier": poll.tier,
            "districts": list(poll.districts.all()),
            "opens_at": poll.opens_at,
            "closes_at": poll.closes_at,
            "live_results": poll.live_results,
        }


class BallotForm(forms.Form):
    """A ballot: radio buttons, checkboxes, or a rank to pick for each option. No JavaScript needed."""

    def __init__(self, *args: Any, poll: Poll, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.choices = [(option.pk, option.text) for option in poll.options.all()]
        if poll.kind == Kind.SINGLE:
            self.fields["options"] = forms.TypedChoiceField(
                label=poll.title,
                choices=self.choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
        elif poll.kind == Kind.MULTIPLE:
            self.fields["options"] = forms.TypedMultipleChoiceField(
                label=poll.title,
                choices=self.choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        else:
            ranks = [("", _("not ranked"))] + [(str(n), str(n)) for n in range(1, poll.max_choices + 1)]
            for pk, text in self.choices:
                self.fields[f"rank_{pk}"] = forms.TypedChoiceField(
                    label=text, choices=ranks, coerce=int, required=False, empty_value=None
                )

    def rank_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("rank_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.poll.kind != Kind.RANKED:
            return data
        ranks = {pk: data.get(f"rank_{pk}") for pk, _text in self.choices}
        given = sorted(rank for rank in ranks.values() if rank is not None)
        if len(given) != len(set(given)):
            raise ValidationError(_("Each rank can be given to one option only."))
        if given != list(range(1, len(given) + 1)):
            raise ValidationError(_("Give the ranks in order from 1, without gaps."))
        return data

    def ballot(self) -> list[int]:
        """The chosen option ids, in order of preference for a ranked poll."""
        data = self.cleaned_data
        if self.poll.kind == Kind.SINGLE:
            return [] if data.get("options") in (None, "") else [int(data["options"])]
        if self.poll.kind == Kind.MULTIPLE:
            return [int(pk) for pk in data.get("options") or []]
        ranked = [(data[f"rank_{pk}"], pk) for pk, _text in self.choices if data.get(f"rank_{pk}")]
        return [pk for _rank, pk in sorted(ranked)]
