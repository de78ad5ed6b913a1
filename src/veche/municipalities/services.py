"""Every write to a municipality's set-up: districts, departments, categories, calendar, staff.

Each change is made by a municipal admin (or a platform admin) and written to the audit log.
"""

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from veche.access.roles import forget_cached_access, has_permission
from veche.accounts.models import User
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, NotFound
from veche.core.text import check_text, visible_length
from veche.municipalities.geo import parse_polygon
from veche.municipalities.listings import listings_changed
from veche.municipalities.models import (
    CalendarDay,
    Category,
    Department,
    District,
    Membership,
    Municipality,
)

M = TypeVar("M", bound=models.Model)


def require_admin(actor: User, municipality: Municipality, permission: str = "manage_municipality") -> None:
    if not has_permission(actor, municipality, permission):
        raise NotFound()


def audited_save(actor: User, municipality: Municipality, obj: M, fields: dict[str, Any], action: str) -> M:
    """Apply `fields` to `obj`, validate it, save it and audit the change, or change nothing."""
    created = obj._state.adding
    before = {name: obj.serializable_value(name) for name in fields}
    for name, value in fields.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise DomainError(fields=exc.message_dict) from None
    changed = sorted(n for n in fields if created or before[n] != obj.serializable_value(n))
    try:
        with transaction.atomic():
            obj.save()
            listings_changed(municipality.pk)
            audit_record(
                actor=actor,
                municipality=municipality,
                target=obj,
                action=f"{action}.{'create' if created else 'update'}",
                details={"fields": changed},
            )
    except IntegrityError:
        raise Conflict(_("Something with these values exists already.")) from None
    return obj


def audited_delete(actor: User, municipality: Municipality, obj: models.Model, action: str) -> None:
    """Delete `obj` and audit it, or refuse cleanly when something still refers to it."""
    try:
        with transaction.atomic():
            audit_record(actor=actor, municipality=municipality, target=obj, action=f"{action}.delete")
            listings_changed(municipality.pk)
            obj.delete()
    except ProtectedError:
        raise Conflict(_("This is still in use and cannot be deleted.")) from None


def _optional(text: str | None) -> str | None:
    """A text in one language that may be left out: None when nothing visible is in it (the page shows
    the Russian one)."""
    text = (text or "").strip()
    return text if visible_length(text) else None


def _name(text: str, field: str = "name_ru") -> str:
    """A required name: one line, something visible in it."""
    return check_text(text, field, limit=200, one_line=True)


def district_save(
    *,
    actor: User,
    municipality: Municipality,
    district: District | None = None,
    name_ru: str,
    name_en: str | None = "",
    slug: str,
    polygon: Any = None,
) -> District:
    require_admin(actor, municipality)
    obj = district or District(municipality=municipality)
    return audited_save(
        actor,
        municipality,
        obj,
        {
            "name_ru": _name(name_ru),
            "name_en": _optional(name_en),
            "slug": slug.strip(),
            "polygon": parse_polygon(polygon),
        },
        "district",
    )


def municipality_boundary_save(*, actor: User, municipality: Municipality, boundary: Any) -> Municipality:
    """Set (or clear, with an empty value) the polygon outside which no report is taken."""
    require_admin(actor, municipality)
    return audited_save(
        actor, municipality, municipality, {"boundary": parse_polygon(boundary, "boundary")}, "boundary"
    )


def department_save(
    *,
    actor: User,
    municipality: Municipality,
    department: Department | None = None,
    name_ru: str,
    name_en: str | None = "",
    email: str = "",
) -> Department:
    require_admin(actor, municipality)
    obj = department or Department(municipality=municipality)
    return audited_save(
        actor,
        municipality,
        obj,
        {"name_ru": _name(name_ru), "name_en": _optional(name_en), "email": email.strip()},
        "department",
    )


def category_save(
    *,
    actor: User,
    municipality: Municipality,
    category: Category | None = None,
    name_ru: str,
    name_en: str | None = "",
    slug: str,
    department: Department,
    description_ru: str | None = "",
    description_en: str | None = "",
    moderation_days: int = 1,
    answer_days: int = 8,
    photo_required: bool = False,
    season_start: int | None = None,
    season_end: int | None = None,
    is_active: bool = True,
) -> Category:
    require_admin(actor, municipality)
    if department.municipality_id != municipality.pk:
        raise DomainError(fields={"department": [_("Choose a department of this municipality.")]})
    if (season_start is None) != (season_end is None):
        raise DomainError(fields={"season_end": [_("Give both months of the season, or neither.")]})
    obj = category or Category(municipality=municipality)
    return audited_save(
        actor,
        municipality,
        obj,
        {
            "name_ru": _name(name_ru),
            "name_en": _optional(name_en),
            "slug": slug.strip(),
            "department": department,
            "description_ru": _optional(description_ru),
            "description_en": _optional(description_en),
            "moderation_days": moderation_days,
            "answer_days": answer_days,
            "photo_required": photo_required,
            "season_start": season_start,
            "season_end": season_end,
            "is_active": is_active,
        },
        "category",
    )


def calendar_day_save(
    *,
    actor: User,
    municipality: Municipality,
    day: CalendarDay | None = None,
    date: Any,
    is_working: bool,
    name: str = "",
) -> CalendarDay:
    require_admin(actor, municipality)
    obj = day or CalendarDay(municipality=municipality)
    return audited_save(
        actor,
        municipality,
        obj,
        {"date": date, "is_working": is_working, "name": name.strip()},
        "calendar_day",
    )


def membership_grant(
    *, actor: User, municipality: Municipality, username: str, role: str, department: Department | None = None
) -> Membership:
    """Give a person a staff role here; an official belongs to one of the municipality's departments."""
    require_admin(actor, municipality, "manage_staff")
    user = User.objects.filter(username=username.strip(), is_active=True, deleted_at__isnull=True).first()
    if user is None:
        raise DomainError(fields={"username": [_("There is no active account with this username.")]})
    if role not in Membership.Role.values:
        raise DomainError(fields={"role": [_("Choose a role from the list.")]})
    if role == Membership.Role.OFFICIAL:
        if department is None or department.municipality_id != municipality.pk:
            raise DomainError(
                fields={"department": [_("An official belongs to one of this municipality's departments.")]}
            )
    else:
        department = None
    membership = audited_save(
        actor,
        municipality,
        Membership(municipality=municipality),
        {"user": user, "role": role, "department": department},
        "membership",
    )
    forget_cached_access(user)
    return membership


def membership_revoke(*, actor: User, municipality: Municipality, membership: Membership) -> None:
    require_admin(actor, municipality, "manage_staff")
    if membership.municipality_id != municipality.pk:
        raise NotFound()
    if membership.user_id == actor.pk and membership.role == Membership.Role.ADMIN:
        raise Conflict(_("You cannot remove your own admin role; ask another admin."))
    audited_delete(actor, municipality, membership, "membership")


# The audit action prefix of each kind, the same one its save function writes.
DELETABLE: dict[type[models.Model], str] = {
    District: "district",
    Department: "department",
    Category: "category",
    CalendarDay: "calendar_day",
}


def staff_object_delete(*, actor: User, municipality: Municipality, obj: models.Model) -> None:
    """Delete a district, department, category or calendar day of the municipality."""
    require_admin(actor, municipality)
    if type(obj) not in DELETABLE or getattr(obj, "municipality_id", None) != municipality.pk:
        raise NotFound()
    audited_delete(actor, municipality, obj, DELETABLE[type(obj)])
