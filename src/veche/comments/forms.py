from django import forms
from django.utils.translation import gettext_lazy as _

from veche.comments.models import ReactionKind, Stance
from veche.core.forms import MarkdownField


class CommentForm(forms.Form):
    body = MarkdownField(
        label=_("Your comment"), help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )


class ThreadFields(forms.Form):
    """What a thread's forms send besides the text: the comment answered, and a side where one is taken."""

    parent_id = forms.IntegerField(required=False, min_value=1)
    stance = forms.ChoiceField(required=False, choices=[("", ""), *Stance.choices])


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=ReactionKind.choices)
