"""Set-up of reports on the municipal admin's staff pages: answer templates and routing rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from veche.accounts.models import User
from veche.core.errors import DomainError
from veche.municipalities.models import Municipality
from veche.municipalities.services import audited_delete, audited_save, require_admin
from veche.municipalities.staff import StaffKind, register_kind
from veche.reports.models import AnswerTemplate, RoutingRule


class AnswerTemplateForm(forms.ModelForm[AnswerTemplate]):
    class Meta:
        model = AnswerTemplate
        fields = ["title", "category", "body"]

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = municipality.categories.all()  # type: ignore[attr-defined]


class RoutingRuleForm(forms.ModelForm[RoutingRule]):
    class Meta:
        model = RoutingRule
        fields = ["category", "district", "department"]

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = municipality.categories.all()  # type: ignore[attr-defined]
        self.fields["district"].queryset = municipality.districts.all()  # type: ignore[attr-defined]
        self.fields["department"].queryset = municipality.departments.all()  # type: ignore[attr-defined]


def answer_template_save(
    *,
    actor: User,
    municipality: Municipality,
    template: AnswerTemplate | None,
    title: str,
    body: str,
    category: Any = None,
) -> AnswerTemplate:
    require_admin(actor, municipality)
    if category is not None and category.municipality_id != municipality.pk:
        raise _not_ours("category")
    return audited_save(
        actor,
        municipality,
        template or AnswerTemplate(municipality=municipality),
        {"title": title.strip(), "body": body.strip(), "category": category},
        "answer_template",
    )


def routing_rule_save(
    *,
    actor: User,
    municipality: Municipality,
    rule: RoutingRule | None,
    category: Any,
    district: Any,
    department: Any,
) -> RoutingRule:
    require_admin(actor, municipality)
    for name, value in (("category", category), ("district", district), ("department", department)):
        if value.municipality_id != municipality.pk:
            raise _not_ours(name)
    return audited_save(
        actor,
        municipality,
        rule or RoutingRule(municipality=municipality),
        {"category": category, "district": district, "department": department},
        "routing_rule",
    )


def setup_delete(*, actor: User, municipality: Municipality, obj: AnswerTemplate | RoutingRule) -> None:
    require_admin(actor, municipality)
    action = "answer_template" if isinstance(obj, AnswerTemplate) else "routing_rule"
    audited_delete(actor, municipality, obj, action)


def _not_ours(name: str) -> DomainError:
    return DomainError(fields={name: [gettext("Choose one of this municipality's.")]})


def _form(form_class: Any) -> Any:
    return lambda data, instance, municipality: form_class(data, instance=instance, municipality=municipality)


def _delete(actor: Any, municipality: Municipality, obj: Any) -> None:
    setup_delete(actor=actor, municipality=municipality, obj=obj)


register_kind(
    StaffKind(
        "answer-templates",
        AnswerTemplate,
        _("Answer templates"),
        _form(AnswerTemplateForm),
        lambda actor, m, obj, d: answer_template_save(actor=actor, municipality=m, template=obj, **d),
        ((_("Title"), "title"), (_("Category"), "category")),
        _delete,
        related=("category",),
    )
)
register_kind(
    StaffKind(
        "routing",
        RoutingRule,
        _("Routing of reports by district"),
        _form(RoutingRuleForm),
        lambda actor, m, obj, d: routing_rule_save(actor=actor, municipality=m, rule=obj, **d),
        ((_("Category"), "category"), (_("District"), "district"), (_("Department"), "department")),
        _delete,
        related=("category", "district", "department"),
    )
)
