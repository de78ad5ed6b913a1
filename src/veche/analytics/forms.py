"""The period selector of the analytics pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

# Longer than any period written as the periods module takes it ("2025-01..2025-06" is 16).
PERIOD_MAX_LENGTH = 40


class PeriodForm(forms.Form):
    # The usual periods, as links next to the field: (label, ?period= value, the period's label).
    shortcuts: list[tuple[str, str, str]] = []

    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=PERIOD_MAX_LENGTH,
        help_text=_(
            "A year (2025), a month (2025-03) or months (2025-01..2025-06); empty for the last twelve months."
        ),
    )
