"""Badges on the municipal admin's staff pages (a kind of set-up object, `municipalities.staff`): the
list, adding, editing and removing a badge, audited, with the field errors of the form."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from veche.municipalities.models import Municipality
from veche.municipalities.staff import StaffKind, register_kind
from veche.recognition import services
from veche.recognition.forms import BadgeRuleForm
from veche.recognition.models import BadgeRule


def _form(data: Any, instance: Any, municipality: Municipality) -> BadgeRuleForm:
    return BadgeRuleForm(data, instance=instance)


def _delete(actor: Any, municipality: Municipality, badge: Any) -> None:
    services.badge_rule_delete(actor=actor, municipality=municipality, badge=badge)


register_kind(
    StaffKind(
        "badges",
        BadgeRule,
        _("Badges"),
        _form,
        lambda actor, m, obj, d: services.badge_rule_save(actor=actor, municipality=m, badge=obj, **d),
        (
            (_("Name"), "name_ru"),
            (_("English name"), "name_en"),
            (_("Code"), "code"),
            (_("How it is earned"), "earned_when"),
            (_("Active"), "active"),
        ),
        _delete,
    )
)
