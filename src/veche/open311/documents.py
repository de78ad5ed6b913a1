"""The GeoReport v2 documents built from our models: what each field of the spec means in Veche.

Nothing here reads a reporter's name, e-mail, phone, device or account: a GET never shows them.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veche.municipalities.models import Category, Municipality
from veche.municipalities.zones import zone_of
from veche.open311.formats import LocalTimes, Many, Ready, text, w3c
from veche.open311.models import ServiceAttribute
from veche.open311.selectors import RequestRow, TokenAnswer
from veche.reports.models import AWAITING_ANSWER, PUBLIC, EventKind, Report, ReportEvent, Status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The time the service list format of this server was last changed, when the audit log has none.
BASE_CHANGESET = datetime.fromisoformat("2025-01-01T00:00:00+00:00")
# Events whose note is an official's public answer; other notes (a reassignment's reason, the
# author's dispute) stay on the site and out of the API.
PUBLIC_NOTE_EVENTS = {EventKind.RESOLVED, EventKind.REJECTED, EventKind.COMMENT}
ANSWER_STATUSES = {Status.RESOLVED, Status.REJECTED, Status.CLOSED}
# The same groups as plain strings: a page checks them 1,000 times, and comparing a str with enum
# members one by one costs more than the rest of a document.
_AWAITING = frozenset(s.value for s in AWAITING_ANSWER)
_BEFORE_ROUTING = frozenset({Status.SUBMITTED.value, Status.MODERATED.value})
_ANSWERED = frozenset(s.value for s in ANSWER_STATUSES)
# mySociety's richer states for the servicerequestupdates feed.
UPDATE_STATES = {
    Status.SUBMITTED: "open",
    Status.MODERATED: "open",
    Status.ROUTED: "open",
    Status.IN_PROGRESS: "in_progress",
    Status.RESOLVED: "fixed",
    Status.REJECTED: "no_further_action",
    Status.CLOSED: "closed",
    Status.DECLINED: "closed",
}


def base_url() -> str:
    return f"{settings.SITE_URL.rstrip('/')}/open311/v2"


def discovery(changeset: datetime | None) -> dict[str, Any]:
    stamp = (changeset or BASE_CHANGESET).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "changeset": stamp,
        "contact": f"Veche, {settings.SITE_URL}. jurisdiction_id is a municipality's code, as in /m/<code>/.",
        "key_service": "API keys for POST are issued by each municipality's administrators "
        "(staff area, Open311). GET needs no key.",
        "endpoints": Many(
            "endpoint",
            [
                {
                    "specification": SPECIFICATION,
                    "url": base_url(),
                    "changeset": stamp,
                    "type": "production",
                    "formats": Many("format", ["text/xml", "application/json"]),
                }
            ],
        ),
    }


def service(category: Category) -> dict[str, Any]:
    keywords = ", ".join(dict.fromkeys(n for n in (category.name_ru, category.name_en) if n))
    return {
        "service_code": category.slug,
        "service_name": category.title,
        "description": category.description,
        "metadata": bool(getattr(category, "has_definition", False)),
        "type": "realtime",
        "keywords": keywords,
        "group": category.department.title,
    }


def definition(category: Category, attributes: list[ServiceAttribute]) -> dict[str, Any]:
    return {
        "service_code": category.slug,
        "attributes": Many(
            "attribute",
            [
                {
                    "variable": a.variable,
                    "code": a.code,
                    "datatype": a.datatype,
                    "required": a.required,
                    "datatype_description": a.datatype_description,
                    "order": a.order,
                    "description": a.description,
                    "values": Many("value", [{"key": v["key"], "name": v["name"]} for v in a.values or []]),
                }
                for a in attributes
            ],
        ),
    }


def _notice_texts() -> tuple[str, str]:
    """The service notices before and after routing, in the active language."""
    return (
        _("A moderator checks the request first; then %(department)s is to answer by %(date)s."),
        _("%(department)s is to answer by %(date)s."),
    )


@dataclass(frozen=True)
class Locale:
    """How a request's documents speak: the municipality's time zone, the language's names, labels
    and notices (translated once per request, not once per document)."""

    tz: ZoneInfo
    english: bool
    event_labels: dict[str, str]
    # The documents' times, written in `tz`.
    w3c: LocalTimes
    notices: tuple[str, str] = field(default_factory=_notice_texts)
    # What the documents of a page share, worked out once: a page of 1,000 holds a dozen categories
    # and departments, and a few dozen answer dates, between them.
    services: dict[tuple[str | None, ...], tuple[str | None, str | None, str | None, str]] = field(
        default_factory=dict, compare=False
    )
    deadlines: dict[tuple[str, str, date], tuple[str | None, str | None]] = field(
        default_factory=dict, compare=False
    )

    def service(self, row: RequestRow) -> tuple[str | None, str | None, str | None, str]:
        """service_name, service_code and agency_responsible as documents show them (`text()`),
        and the department's name."""
        key = (
            row.category_slug,
            row.category_name,
            row.category_name_en,
            row.department_name,
            row.department_name_en,
        )
        found = self.services.get(key)
        if found is None:
            department = _title(row.department_name, row.department_name_en, self.english)
            service_name = _title(row.category_name, row.category_name_en, self.english)
            found = (text(service_name), text(row.category_slug), text(department), department)
            self.services[key] = found
        return found

    def deadline(self, status: str, department: str, answer_due: date) -> tuple[str | None, str | None]:
        """service_notice (`service_notice()` through `text()`) and expected_datetime."""
        key = (status, department, answer_due)
        found = self.deadlines.get(key)
        if found is None:
            notice = text(service_notice(status, department, answer_due, self.notices))
            found = (notice, self.expected_datetime(answer_due))
            self.deadlines[key] = found
        return found

    def expected_datetime(self, answer_due: date) -> str | None:
        return w3c(datetime.combine(answer_due, time(23, 59, 59), tzinfo=self.tz))


def locale_for(municipality: Municipality) -> Locale:
    tz = zone_of(municipality)
    return Locale(
        tz=tz,
        w3c=LocalTimes(tz),
        english=(get_language() or "").startswith("en"),
        event_labels={kind: str(label) for kind, label in EventKind.choices},
    )


def _title(name: str | None, name_en: str | None, in_english: bool) -> str:
    """Named.title for names read as plain values (Russian, and English where there is one)."""
    return (name_en if in_english and name_en else name) or ""


def service_notice(
    status: str, department: str, answer_due: date, notices: tuple[str, str] | None = None
) -> str:
    if status not in _AWAITING:
        return ""
    before_routing, routed = notices or _notice_texts()
    text = before_routing if status in _BEFORE_ROUTING else routed
    return text % {"department": department, "date": answer_due.isoformat()}


def _media_url(row: RequestRow) -> str:
    if row.media_url:
        return row.media_url
    if not row.first_photo:
        return ""
    url = default_storage.url(row.first_photo)
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def request(row: RequestRow, locale: Locale, events: list[ReportEvent] | None = None) -> Ready:
    """One service request; `events` (the history) adds the extensions.

    Built `Ready` (every text through `text()`): a page has a thousand of them.
    """
    service_name, service_code, agency, department = locale.service(row)
    notice, expected = locale.deadline(row.status, department, row.answer_due)
    located = not row.approximate_location
    document = Ready(
        {
            "service_request_id": str(row.id),
            "status": "open" if row.status in _AWAITING else "closed",
            "status_notes": text(row.answer) if row.status in _ANSWERED else None,
            "service_name": service_name,
            "service_code": service_code,
            "description": text(row.description),
            "agency_responsible": agency,
            "service_notice": notice,
            "requested_datetime": locale.w3c(row.created_at),
            "updated_datetime": locale.w3c(row.updated_at),
            "expected_datetime": expected,
            "address": text(row.address),
            "address_id": text(row.address_id),
            "zipcode": None,
            "lat": row.latitude if located else None,
            "long": row.longitude if located else None,
            "media_url": text(_media_url(row)),
        }
    )
    if events is not None:
        document["extended_attributes"] = Ready(
            {
                "channel": text(row.source),
                "district": text(_title(row.district_name, row.district_name_en, locale.english)),
            }
        )
        document["notes"] = Many("note", [note(event, locale) for event in events])
    return document


def note(event: ReportEvent, locale: Locale) -> Ready:
    return Ready(
        {
            "datetime": locale.w3c(event.created_at),
            "description": text(_note_text(event, locale)),
            "type": text(event.kind),
        }
    )


def _note_text(event: ReportEvent, locale: Locale) -> str:
    label = locale.event_labels.get(event.kind, event.kind)
    if event.kind in PUBLIC_NOTE_EVENTS and event.note:
        return f"{label}: {event.note}"
    return label


def created(report: Report, token: str, account_id: str) -> dict[str, Any]:
    """The answer to a POST: the token while the request awaits moderation (every category's does),
    the id if it were public at once; never both."""
    department = (report.department or report.category.department).title
    public = report.status in PUBLIC and report.hidden_at is None
    return {
        "service_request_id" if public else "token": str(report.pk) if public else token,
        "service_notice": service_notice(report.status, department, report.answer_due),
        "account_id": account_id,
    }


def token(answer: TokenAnswer) -> Ready:
    return Ready({"service_request_id": answer.service_request_id, "token": text(answer.token)})


def update(event: ReportEvent, locale: Locale) -> Ready:
    state = (
        "internal_referral" if event.kind == EventKind.REASSIGNED else UPDATE_STATES[Status(event.to_status)]
    )
    return Ready(
        {
            "update_id": str(event.pk),
            "service_request_id": str(event.report_id),
            "status": state,
            "updated_datetime": locale.w3c(event.created_at),
            "description": text(_note_text(event, locale)),
            "media_url": None,
        }
    )
