"""The municipal admin's set-up pages, described as data: one set of views serves every kind."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from veche.municipalities import services
from veche.municipalities.forms import (
    CalendarDayForm,
    CategoryForm,
    DepartmentForm,
    DistrictForm,
    MembershipForm,
)
from veche.municipalities.models import CalendarDay, Category, Department, District, Membership, Municipality


@dataclass(frozen=True)
class StaffKind:
    slug: str
    model: type[models.Model]
    title: str | Promise
    form: Callable[..., forms.BaseForm]
    save: Callable[..., Any]
    columns: tuple[tuple[str | Promise, str], ...]
    delete: Callable[..., None]
    editable: bool = True
    permission: str = "manage_municipality"
    related: tuple[str, ...] = ()


def _delete_object(actor: Any, municipality: Municipality, obj: models.Model) -> None:
    services.staff_object_delete(actor=actor, municipality=municipality, obj=obj)


def _revoke(actor: Any, municipality: Municipality, obj: Any) -> None:
    services.membership_revoke(actor=actor, municipality=municipality, membership=obj)


def _form(
    form_class: type[forms.BaseForm], needs_municipality: bool = False
) -> Callable[..., forms.BaseForm]:
    def build(data: Any, instance: Any, municipality: Municipality) -> forms.BaseForm:
        kwargs: dict[str, Any] = {"municipality": municipality} if needs_municipality else {}
        if issubclass(form_class, forms.ModelForm):
            kwargs["instance"] = instance
        return form_class(data, **kwargs)

    return build


KINDS = {
    kind.slug: kind
    for kind in [
        StaffKind(
            "districts",
            District,
            _("Districts"),
            _form(DistrictForm),
            lambda actor, m, obj, d: services.district_save(actor=actor, municipality=m, district=obj, **d),
            ((_("Name"), "name_ru"), (_("English name"), "name_en"), (_("Slug"), "slug")),
            _delete_object,
        ),
        StaffKind(
            "departments",
            Department,
            _("Departments"),
            _form(DepartmentForm),
            lambda actor, m, obj, d: services.department_save(
                actor=actor, municipality=m, department=obj, **d
            ),
            ((_("Name"), "name_ru"), (_("English name"), "name_en"), (_("Contact e-mail"), "email")),
            _delete_object,
        ),
        StaffKind(
            "categories",
            Category,
            _("Report categories"),
            _form(CategoryForm, True),
            lambda actor, m, obj, d: services.category_save(actor=actor, municipality=m, category=obj, **d),
            (
                (_("Name"), "name_ru"),
                (_("English name"), "name_en"),
                (_("Department"), "department"),
                (_("Moderation, days"), "moderation_days"),
                (_("Answer, working days"), "answer_days"),
                (_("Photo required"), "photo_required"),
            ),
            _delete_object,
            related=("department",),
        ),
        StaffKind(
            "calendar",
            CalendarDay,
            _("Working-day calendar"),
            _form(CalendarDayForm),
            lambda actor, m, obj, d: services.calendar_day_save(actor=actor, municipality=m, day=obj, **d),
            ((_("Date"), "date"), (_("Working day"), "is_working"), (_("Name"), "name")),
            _delete_object,
        ),
        StaffKind(
            "staff",
            Membership,
            _("Staff"),
            _form(MembershipForm, True),
            lambda actor, m, obj, d: services.membership_grant(actor=actor, municipality=m, **d),
            ((_("Person"), "user"), (_("Role"), "get_role_display"), (_("Department"), "department")),
            _revoke,
            editable=False,
            permission="manage_staff",
            related=("user", "department"),
        ),
    ]
}


def register_kind(kind: StaffKind) -> None:
    """Let another app add a kind of set-up object to the staff pages (reports: answer templates)."""
    KINDS[kind.slug] = kind
