"""Form fields every petition's pages share: a title and a text, the answer deadline, the list's filters."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from veche.access.roles import is_signed_in
from veche.core.forms import MarkdownField
from veche.petitions.models import ANSWER_DAYS_MAX, THRESHOLD_MAX, TITLE_MAX_LENGTH
from veche.petitions.selectors import QUERY_MAX_LENGTH


def title_field(help_text: StrOrPromise) -> forms.CharField:
    return forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH, help_text=help_text)


def text_field(label: StrOrPromise, help_text: StrOrPromise, rows: int = 10) -> MarkdownField:
    return MarkdownField(label=label, widget=forms.Textarea(attrs={"rows": rows}), help_text=help_text)


def threshold_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.IntegerField:
    """How many endorsements oblige an answer: a policy's threshold."""
    return forms.IntegerField(label=label, min_value=1, max_value=THRESHOLD_MAX, help_text=help_text)


def answer_days_field(help_text: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Answer deadline, working days"), min_value=1, max_value=ANSWER_DAYS_MAX, help_text=help_text
    )


class PetitionFilterForm(forms.Form):
    """The list's filters; anything invalid is ignored rather than refused."""

    q = forms.CharField(label=_("Search"), required=False, max_length=QUERY_MAX_LENGTH)
    # Those the person published or endorsed; offered only to a signed-in person.
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    orderings: tuple[str, ...] = ()

    def __init__(self, *args: Any, viewer: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_signed_in(viewer):
            del self.fields["mine"]

    @staticmethod
    def status_field(statuses: Iterable[tuple[str, StrOrPromise]]) -> forms.ChoiceField:
        """The status filter of a kind's list: all, or one of `statuses` (value, label)."""
        return forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("all")), *statuses])

    @staticmethod
    def order_field(*orders: tuple[str, StrOrPromise]) -> forms.ChoiceField:
        """The order of a kind's list: newest first, the kind's own `orders` (value, label), or the answer
        due soonest."""
        return forms.ChoiceField(
            label=_("Order"),
            required=False,
            choices=[("new", _("newest first")), *orders, ("due", _("answer due soonest"))],
        )

    def filters(self) -> dict[str, Any]:
        self.is_valid()  # an invalid field is left out of cleaned_data, the valid ones still apply
        data = self.cleaned_data
        order = data.get("order") or "new"
        return {
            "status": data.get("status", ""),
            "query": data.get("q", ""),
            "order": order if order in self.orderings else "new",
            "mine": bool(data.get("mine")),
        }
