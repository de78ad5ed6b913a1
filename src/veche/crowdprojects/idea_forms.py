"""The forms of ideas: propose or edit one, and merge one into another. The services check the
rest (lengths, tags, the place inside the municipality, the photos)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField
from veche.crowdprojects.models import TITLE_MAX_LENGTH, Idea, IdeaStatus
from veche.reports.forms import MultiplePhotoField

# The merge form offers the project's other ideas, most supported first, up to this many (a list a
# person can still scroll; duplicates worth merging are found among them or by the similar ideas).
MERGE_CHOICES_MAX = 500


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Your idea in one line"), max_length=TITLE_MAX_LENGTH)
    body = MarkdownField(
        label=_("What should be done, where and why"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is supported: *italic*, **bold**, lists."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=400,
        help_text=_("Up to 8, separated by commas: park, lighting, playground."),
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    photos = MultiplePhotoField(label=_("Photos (up to 5, each up to 10 MB)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(name) is not None for name in ("latitude", "longitude")]
        if any(given) and not all(given):
            self.add_error("latitude", _("Give both coordinates, or neither."))
        return data


class MergeForm(forms.Form):
    target = forms.TypedChoiceField(label=_("Merge into"), coerce=int)
    reason = forms.CharField(
        label=_("Why (shown to the authors and supporters)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = (
            Idea.objects.filter(
                project_id=idea.project_id, status=IdeaStatus.PUBLISHED, hidden_at__isnull=True
            )
            .exclude(pk=idea.pk)
            .order_by("-endorsements_count", "-id")
            .values_list("pk", "title")[:MERGE_CHOICES_MAX]
        )
        target = cast(forms.TypedChoiceField, self.fields["target"])
        target.choices = [(pk, title) for pk, title in others]
