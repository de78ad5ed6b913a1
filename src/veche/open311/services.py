"""Every write of the Open311 server: API keys, service definitions, and service requests filed by clients.

A service request becomes an ordinary report through `reports.services.report_submit`, so it goes
through moderation, routing and answers like one filed on the web site.
"""

import math
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.access.roles import has_permission
from veche.accounts.models import User
from veche.accounts.tokens import new_token
from veche.core.audit import audit_record
from veche.core.errors import Conflict, DomainError, NotFound
from veche.core.sanitize import plain_text
from veche.municipalities.models import Category, Municipality
from veche.municipalities.zones import zone_of
from veche.open311.formats import parse_w3c
from veche.open311.models import (
    LIST_DATATYPES,
    ApiKey,
    Datatype,
    RequestToken,
    ServiceAttribute,
    Submission,
)
from veche.reports.models import Report, Source
from veche.reports.services import MIN_DESCRIPTION, report_submit

CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
VALUE_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
STRING_MAX = 300
TEXT_MAX: int = settings.TEXT_MAX_LENGTH
MAX_VALUES = 100


def _require_admin(actor: User | None, municipality: Municipality) -> None:
    """A municipal or platform admin; `None` is the command line, run by whoever runs the server."""
    if actor is not None and not has_permission(actor, municipality, "manage_municipality"):
        raise NotFound()


# --- API keys ---------------------------------------------------------------------------------


def api_key_create(*, actor: User | None, municipality: Municipality, name: str) -> tuple[ApiKey, str]:
    """Issue a key for a client system; the secret is returned once and only its hash is kept."""
    _require_admin(actor, municipality)
    name = plain_text(name or "")
    if not name:
        raise DomainError(fields={"name": [_("Name the client system that will use the key.")]})
    if len(name) > 100:
        raise DomainError(fields={"name": [_("At most 100 characters.")]})
    secret, prefix, key_hash = new_token()
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            municipality=municipality, name=name, prefix=prefix, key_hash=key_hash, created_by=actor
        )
        audit_record(
            actor=actor,
            action="open311.key.create",
            municipality=municipality,
            target=api_key,
            details={"prefix": prefix, "name": name},
        )
    return api_key, secret


def api_key_revoke(*, actor: User | None, api_key: ApiKey, now: datetime | None = None) -> ApiKey:
    """Stop a key from working; it stays listed, with when it was revoked."""
    _require_admin(actor, api_key.municipality)
    now = now or timezone.now()
    with transaction.atomic():
        # The update is the check: of two revocations at once, one finds the key still active.
        if not ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=now):
            raise Conflict(_("This key is revoked already."))
        audit_record(
            actor=actor,
            action="open311.key.revoke",
            municipality=api_key.municipality,
            target=api_key,
            details={"prefix": api_key.prefix},
        )
    api_key.revoked_at = now
    return api_key


# --- Service definitions ----------------------------------------------------------------------


def service_attribute_clean(
    *,
    code: str,
    variable: bool,
    datatype: str,
    required: bool,
    datatype_description: str,
    order: Any,
    description: str,
    values: Any,
) -> dict[str, Any]:
    """The fields of an attribute, checked and normalised; DomainError with every problem at once."""
    errors: dict[str, list[str]] = {}
    code = (code or "").strip()
    if not CODE_PATTERN.match(code):
        errors["code"] = [_("Use 1–64 Latin letters, digits, “_” or “-”.")]
    if datatype not in Datatype.values:
        errors["datatype"] = [_("Choose a type from the list.")]
    try:
        order = int(order)
    except (TypeError, ValueError):
        order = 0
    if not 1 <= order <= 32767:
        errors["order"] = [_("A whole number from 1 up.")]
    description = plain_text(description or "")
    if not description:
        errors["description"] = [_("Write the question the client shows.")]
    elif len(description) > 1000:
        errors["description"] = [_("At most 1000 characters.")]
    datatype_description = plain_text(datatype_description or "")
    if len(datatype_description) > 300:
        errors["datatype_description"] = [_("At most 300 characters.")]
    cleaned_values = _clean_values(values, datatype, errors)
    if errors:
        raise DomainError(fields=errors)
    return {
        "code": code,
        "variable": bool(variable),
        "datatype": datatype,
        # An attribute that asks for nothing cannot require an answer.
        "required": bool(required) and bool(variable),
        "datatype_description": datatype_description,
        "order": order,
        "description": description,
        "values": cleaned_values,
    }


def _clean_values(values: Any, datatype: str, errors: dict[str, list[str]]) -> list[dict[str, str]]:
    if datatype not in LIST_DATATYPES:
        return []
    cleaned: list[dict[str, str]] = []
    if not isinstance(values, list) or not values:
        errors["values"] = [_("A list needs at least one value.")]
        return []
    if len(values) > MAX_VALUES:
        errors["values"] = [_("At most %(n)d values.") % {"n": MAX_VALUES}]
        return []
    for value in values:
        key = str(value.get("key", "")).strip() if isinstance(value, dict) else ""
        name = plain_text(str(value.get("name", ""))) if isinstance(value, dict) else ""
        if not VALUE_KEY_PATTERN.match(key) or not name or len(name) > 200:
            errors["values"] = [
                _(
                    "Each value needs a key (Latin letters, digits, “_”, “.”, “-”) "
                    "and a name of up to 200 characters."
                )
            ]
            return []
        cleaned.append({"key": key, "name": name})
    if len({value["key"] for value in cleaned}) != len(cleaned):
        errors["values"] = [_("Each key may appear once.")]
    return cleaned


def service_attribute_save(
    *,
    actor: User | None,
    category: Category,
    attribute: ServiceAttribute | None = None,
    code: str,
    variable: bool = True,
    datatype: str,
    required: bool = False,
    datatype_description: str = "",
    order: Any,
    description: str,
    values: Any = (),
) -> ServiceAttribute:
    """Add an attribute to a category's service definition, or change one."""
    _require_admin(actor, category.municipality)
    if attribute is not None and attribute.category_id != category.pk:
        raise NotFound()
    fields = service_attribute_clean(
        code=code,
        variable=variable,
        datatype=datatype,
        required=required,
        datatype_description=datatype_description,
        order=order,
        description=description,
        values=list(values) if isinstance(values, (list, tuple)) else values,
    )
    obj = attribute or ServiceAttribute(category=category)
    created = obj._state.adding
    changed = sorted(name for name, value in fields.items() if created or getattr(obj, name) != value)
    for name, value in fields.items():
        setattr(obj, name, value)
    try:
        with transaction.atomic():
            obj.save()
            audit_record(
                actor=actor,
                action=f"open311.attribute.{'create' if created else 'update'}",
                municipality=category.municipality,
                target=obj,
                details={"fields": changed},
            )
    except IntegrityError:
        raise Conflict(
            _("Another attribute of this service has the same code or the same order."),
            fields={"code": [_("Codes and orders must differ between attributes.")]},
        ) from None
    return obj


def service_attribute_delete(*, actor: User | None, attribute: ServiceAttribute) -> None:
    municipality = attribute.category.municipality
    _require_admin(actor, municipality)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="open311.attribute.delete",
            municipality=municipality,
            target=attribute,
            details={"code": attribute.code},
        )
        attribute.delete()


# --- Service requests -------------------------------------------------------------------------


def _attribute_values(
    category: Category, sent: Mapping[str, Sequence[str]], tz: ZoneInfo
) -> tuple[dict[str, Any], list[tuple[ServiceAttribute, Any]]]:
    """The answers to the service definition, typed; DomainError naming every wrong one."""
    definition = {a.code: a for a in category.open311_attributes.all()}
    errors: dict[str, list[str]] = {}
    answers: dict[str, Any] = {}
    for code in sent:
        if code not in definition:
            errors[f"attribute[{code}]"] = ["This service has no such attribute."]
    for code, attribute in definition.items():
        if not attribute.variable:
            continue
        raw = [value.strip() for value in sent.get(code, ()) if value.strip()]
        field = f"attribute[{code}]"
        if not raw:
            if attribute.required:
                errors[field] = ["This attribute is required."]
            continue
        try:
            answers[code] = _typed(attribute, raw, tz)
        except ValueError as problem:
            errors[field] = [str(problem)]
    if errors:
        raise DomainError("The attributes do not match the service definition.", fields=errors)
    ordered = [(definition[code], value) for code, value in answers.items()]
    return answers, sorted(ordered, key=lambda pair: pair[0].order)


def _typed(attribute: ServiceAttribute, raw: list[str], tz: ZoneInfo) -> Any:
    datatype = attribute.datatype
    if datatype == Datatype.MULTIVALUELIST:
        unknown = [value for value in raw if value not in attribute.value_keys]
        if unknown:
            raise ValueError(f"Not among the listed values: {', '.join(unknown)}.")
        return list(dict.fromkeys(raw))
    if len(raw) > 1:
        raise ValueError("Send one value.")
    value = raw[0]
    if datatype == Datatype.SINGLEVALUELIST:
        if value not in attribute.value_keys:
            raise ValueError("Not among the listed values.")
        return value
    if datatype == Datatype.NUMBER:
        try:
            number = float(value)
        except ValueError:
            raise ValueError("Send a number.") from None
        if not math.isfinite(number):
            raise ValueError("Send a number.")
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if datatype == Datatype.DATETIME:
        moment = parse_w3c(value, tz)
        if moment is None:
            raise ValueError("Send an ISO 8601 date and time, such as 2025-05-01T09:30:00+03:00.")
        return moment.isoformat(timespec="seconds")
    if datatype == Datatype.STRING and ("\n" in value or "\r" in value):
        raise ValueError("Send one line.")
    limit = STRING_MAX if datatype == Datatype.STRING else TEXT_MAX
    if len(value) > limit or "\x00" in value:
        raise ValueError(f"Send at most {limit} characters.")
    return value


def _label(attribute: ServiceAttribute, value: Any) -> str:
    names = {str(v["key"]): str(v["name"]) for v in attribute.values or []}
    shown = [names.get(str(v), str(v)) for v in (value if isinstance(value, list) else [value])]
    return f"{attribute.description}: {', '.join(shown)}"


def _short(value: str, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[field] = [f"At most {limit} characters."]
    elif "\x00" in value:
        errors[field] = ["The text contains characters that are not allowed."]
    return value


def _point(latitude: str, longitude: str, errors: dict[str, list[str]]) -> tuple[float, float] | None:
    if not latitude and not longitude:
        return None
    if not latitude or not longitude:
        errors["lat" if not latitude else "long"] = ["Send lat and long together."]
        return None
    point: list[float] = []
    for name, raw, bound in (("lat", latitude, 90.0), ("long", longitude, 180.0)):
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not -bound <= value <= bound:
            errors[name] = [f"{name} must be a number from {-bound:g} to {bound:g} (WGS84)."]
        point.append(value)
    return (point[0], point[1]) if not errors else None


def new_request_token() -> str:
    """128 random bits as 32 hex digits. A request id has at most 19 digits, so `tokens/{...}` tells
    the two apart by their length."""
    return secrets.token_hex(16)


# Our field names in report_submit's errors, and the Open311 parameter each came from.
_PARAMETER_OF = {
    "category": "service_code",
    "latitude": "lat",
    "longitude": "long",
    "address": "address_string",
    "photos": "media_url",
}


def service_request_create(
    *,
    api_key: ApiKey,
    category: Category,
    latitude: str = "",
    longitude: str = "",
    address_string: str = "",
    address_id: str = "",
    description: str = "",
    attributes: Mapping[str, Sequence[str]] | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    device_id: str = "",
    account_id: str = "",
    media_url: str = "",
    now: datetime | None = None,
) -> Report:
    """File a report for an Open311 client: it is checked against the service definition, then
    submitted like any other report (moderation, routing, deadlines) with source=open311, and given
    the token the POST answers (`report.open311_token`) in the same transaction.

    Every problem with the parameters is reported at once, by Open311 parameter name.
    """
    now = now or timezone.now()
    municipality = api_key.municipality
    if not api_key.is_active or category.municipality_id != municipality.pk:
        raise NotFound()
    tz = zone_of(municipality)
    errors: dict[str, list[str]] = {}
    point = _point(latitude.strip(), longitude.strip(), errors)
    address_string = _short(address_string, "address_string", 300, errors)
    address_id = _short(address_id, "address_id", 100, errors)
    if point is None and not errors and not address_string and not address_id:
        errors["location"] = ["Send lat and long, or address_string, or address_id."]
    email = _short(email, "email", 254, errors)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["Send a valid e-mail address."]
    name = " ".join(part for part in (first_name.strip(), last_name.strip()) if part)
    name = _short(name, "first_name", 200, errors)
    phone = _short(phone, "phone", 50, errors)
    device_id = _short(device_id, "device_id", 100, errors)
    account_id = _short(account_id, "account_id", 100, errors)
    media_url = _short(media_url, "media_url", 500, errors)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors["media_url"] = ["Send an http or https URL."]
    if len(description) > TEXT_MAX:
        errors["description"] = [f"At most {TEXT_MAX} characters."]
    elif 0 < len("".join(c for c in description if c.isprintable()).strip()) < MIN_DESCRIPTION:
        errors["description"] = [f"Send at least {MIN_DESCRIPTION} characters, or no description."]
    try:
        answers, labelled = _attribute_values(category, attributes or {}, tz)
    except DomainError as error:
        errors.update(error.fields)
        answers, labelled = {}, []
    if category.photo_required and not media_url:
        # The photo comes as a link we keep and show, never fetch (a fetch would let clients
        # make us request any address).
        errors["media_url"] = ["This service needs a photo of the problem: send its media_url."]
    if errors:
        raise DomainError("The service request is not valid.", fields=errors)
    # report_submit needs a description and a place; Open311 makes both optional.
    text = description.strip() or "\n".join(_label(a, v) for a, v in labelled) or category.title
    lat, lon = point if point is not None else (municipality.latitude, municipality.longitude)
    try:
        with transaction.atomic():
            report = report_submit(
                author=None,
                municipality=municipality,
                category=category,
                latitude=lat,
                longitude=lon,
                description=text,
                address=address_string,
                source=Source.OPEN311,
                reporter_name=name,
                reporter_email=email,
                reporter_phone=phone,
                device_id=device_id,
                attributes=answers,
                photo_link=bool(media_url),
                now=now,
            )
            Submission.objects.create(
                report=report,
                api_key=api_key,
                account_id=account_id,
                address_id=address_id,
                media_url=media_url,
                approximate_location=point is None,
                created_at=now,
            )
            RequestToken.objects.create(report=report, token=new_request_token(), created_at=now)
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    except DomainError as error:
        fields = {_PARAMETER_OF.get(name, name): messages for name, messages in error.fields.items()}
        raise DomainError(error.message, code=error.code, fields=fields) from None
    return report
