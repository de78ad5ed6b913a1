"""Forms of recognition's pages: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.municipalities.forms import Bilingual
from veche.recognition.models import DAILY_LIMIT_MAX, POINTS_MAX, BadgeRule, PointRule
from veche.recognition.services import PointValues


class PointRulesForm(forms.Form):
    """Every action's points, daily limit and switch, as "<action>_points", "<action>_daily_limit" and
    "<action>_active" (the names `services.point_rules_save` gives its refusals)."""

    def __init__(self, data: Any = None, *, rules: list[PointRule]) -> None:
        super().__init__(data)
        self.rules = rules
        for rule in rules:
            self.fields[f"{rule.action}_points"] = forms.IntegerField(
                label=_("Points"), min_value=0, max_value=POINTS_MAX, initial=rule.points
            )
            self.fields[f"{rule.action}_daily_limit"] = forms.IntegerField(
                label=_("Awards a day that earn points, at most"),
                min_value=0,
                max_value=DAILY_LIMIT_MAX,
                initial=rule.daily_limit,
            )
            self.fields[f"{rule.action}_active"] = forms.BooleanField(
                label=_("This action counts"),
                required=False,
                initial=rule.active,
            )

    def rows(self) -> list[tuple[PointRule, list[forms.BoundField]]]:
        """Each rule with its three fields, for the page's table."""
        return [
            (rule, [self[f"{rule.action}_{name}"] for name in ("points", "daily_limit", "active")])
            for rule in self.rules
        ]

    def values(self) -> dict[str, PointValues]:
        data = self.cleaned_data
        return {
            rule.action: PointValues(
                points=data[f"{rule.action}_points"],
                daily_limit=data[f"{rule.action}_daily_limit"],
                active=data[f"{rule.action}_active"],
            )
            for rule in self.rules
        }


class BadgeRuleForm(Bilingual, forms.ModelForm[BadgeRule]):
    class Meta:
        model = BadgeRule
        fields = [
            "name_ru",
            "name_en",
            "code",
            "condition",
            "threshold",
            "description_ru",
            "description_en",
            "active",
        ]
        widgets = {
            "description_ru": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_languages()
        self.fields["threshold"].help_text = _(
            "How many the condition asks for; the badge's page says it in words."
        )
        self.fields["description_ru"].help_text = _("Optional: why the badge matters, in a sentence or two.")


class ConsentForm(forms.Form):
    shown = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=500)
