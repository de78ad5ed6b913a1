"""Forms of the meeting pages: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField
from veche.crowdprojects.models import Idea, Project, Stage
from veche.meetings.models import (
    ADDRESS_MAX_LENGTH,
    CAPACITY_MAX,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    Kind,
    Meeting,
)
from veche.meetings.selectors import SHOWN_IDEAS
from veche.polls.forms import DATETIME_INPUT, LocalDateTimeInput


class MeetingForm(forms.Form):
    """A meeting; times are read in the municipality's time zone (the view activates it)."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = MarkdownField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    stage = forms.ModelChoiceField(
        label=_("Stage"), queryset=Stage.objects.none(), required=False, empty_label=_("The whole project")
    )
    kind = forms.ChoiceField(
        label=_("How it is held"), choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.IN_PERSON
    )
    address = forms.CharField(label=_("Address"), max_length=ADDRESS_MAX_LENGTH, required=False)
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        help_text=_("Optional, with the longitude: the place on the map."),
    )
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    online_url = forms.CharField(
        label=_("Link to the online meeting"),
        max_length=URL_MAX_LENGTH,
        required=False,
        help_text=_("https:// only. Shown to those with a confirmed place and to the organisers."),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=LocalDateTimeInput(), input_formats=[DATETIME_INPUT]
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=LocalDateTimeInput(), input_formats=[DATETIME_INPUT]
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        required=False,
        min_value=1,
        max_value=CAPACITY_MAX,
        help_text=_("Empty: no limit."),
    )
    registration_opens = forms.DateTimeField(
        label=_("Registration opens"),
        required=False,
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_INPUT],
        help_text=_("Empty: at once. Registration closes when the meeting starts."),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = Stage.objects.filter(project=project).order_by("position")  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        return {name: getattr(meeting, name) for name in MeetingForm.base_fields}


class MinutesForm(forms.Form):
    minutes = MarkdownField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12}))
    ideas = forms.TypedMultipleChoiceField(
        label=_("Ideas the meeting produced"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ideas = (
            Idea.objects.filter(SHOWN_IDEAS, project=project)
            .order_by("-created_at")
            .values_list("pk", "title")[:500]
        )
        self.fields["ideas"].choices = [(pk, title) for pk, title in ideas]  # type: ignore[attr-defined]
