"""Forms of the Open311 staff pages: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.open311.models import Datatype, ServiceAttribute


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Client system"),
        max_length=100,
        help_text=_("Who will use the key, for example “Mobile app of the city”."),
    )


def values_as_text(values: list[dict[str, str]]) -> str:
    return "\n".join(f"{value['key']} = {value['name']}" for value in values or [])


class ServiceAttributeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        help_text=_("What clients send as attribute[code]: Latin letters, digits, “_” or “-”."),
    )
    description = forms.CharField(
        label=_("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    datatype = forms.ChoiceField(label=_("Type"), choices=Datatype.choices)
    datatype_description = forms.CharField(label=_("Hint on the value"), max_length=300, required=False)
    variable = forms.BooleanField(
        label=_("Asks for input"),
        required=False,
        initial=True,
        help_text=_("Off: the attribute only shows its question as information."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    order = forms.IntegerField(label=_("Order"), min_value=1, max_value=32767)
    values = forms.CharField(
        label=_("Values"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the list types: one value a line, as “key = name”."),
    )

    def __init__(self, *args: Any, attribute: ServiceAttribute | None = None, **kwargs: Any) -> None:
        if attribute is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": attribute.code,
                    "description": attribute.description,
                    "datatype": attribute.datatype,
                    "datatype_description": attribute.datatype_description,
                    "variable": attribute.variable,
                    "required": attribute.required,
                    "order": attribute.order,
                    "values": values_as_text(attribute.values),
                },
            )
        super().__init__(*args, **kwargs)

    def clean_values(self) -> list[dict[str, str]]:
        parsed = []
        for line in self.cleaned_data["values"].splitlines():
            if not line.strip():
                continue
            key, sep, name = line.partition("=")
            if not sep:
                raise forms.ValidationError(_("Write each value as “key = name”."))
            parsed.append({"key": key.strip(), "name": name.strip()})
        return parsed
