from django import forms
from django.utils.translation import gettext_lazy as _

from veche.core.forms import MarkdownField


class CommentForm(forms.Form):
    body = MarkdownField(
        label=_("Your comment"), help_text=_("Markdown: **bold**, *italic*, lists and links.")
    )
