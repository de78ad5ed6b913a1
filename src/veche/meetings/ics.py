"""Meetings as iCalendar (RFC 5545), written by hand: the format is small, and every rule it needs is
here (CRLF line ends, lines folded at 75 octets without splitting a character, TEXT escaped, times in
UTC, a UID that stays the meeting's and a SEQUENCE that grows with each change)."""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings

from veche.meetings.models import Meeting

LINE_OCTETS = 75
PRODID = "-//Veche//Meetings//RU"


def escape(value: str) -> str:
    """A TEXT value: backslashes, semicolons, commas and line ends escaped (RFC 5545, 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """`line` cut into lines of at most 75 octets, each after the first starting with a space; never
    inside a character's UTF-8 bytes (RFC 5545, 3.1)."""
    if len(line.encode()) <= LINE_OCTETS:
        return line
    parts, current, size = [], "", 0
    for char in line:
        octets = len(char.encode())
        if size + octets > LINE_OCTETS:
            parts.append(current)
            current, size = char, 1 + octets  # the continuation's leading space counts
        else:
            current += char
            size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "veche"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def uid(meeting: Meeting) -> str:
    """Stable for the meeting's whole life, so calendars update the event rather than add another."""
    return f"meeting-{meeting.pk}@{domain()}"


def event(meeting: Meeting, *, with_link: bool) -> list[str]:
    """The VEVENT of `meeting`, unfolded. The online link is given only `with_link` (to those who may
    see it); otherwise an online meeting's LOCATION is its page."""
    page = absolute(meeting.get_absolute_url())
    places = []
    if meeting.has_place and meeting.address:
        places.append(meeting.address)
    if meeting.has_link:
        places.append(meeting.online_url if with_link and meeting.online_url else page)
    description = meeting.description
    if with_link and meeting.has_link and meeting.online_url:
        description = f"{description}\n\n{meeting.online_url}".strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid(meeting)}",
        f"DTSTAMP:{utc(meeting.updated_at)}",
        f"CREATED:{utc(meeting.created_at)}",
        f"LAST-MODIFIED:{utc(meeting.updated_at)}",
        f"SEQUENCE:{meeting.sequence}",
        f"DTSTART:{utc(meeting.starts_at)}",
        f"DTEND:{utc(meeting.ends_at)}",
        f"SUMMARY:{escape(meeting.title)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if places:
        lines.append(f"LOCATION:{escape(' / '.join(places))}")
    if meeting.has_place and meeting.has_point:
        lines.append(f"GEO:{meeting.latitude:.6f};{meeting.longitude:.6f}")
    lines += [
        f"URL:{page}",
        f"STATUS:{'CANCELLED' if meeting.cancelled_at else 'CONFIRMED'}",
        "END:VEVENT",
    ]
    return lines


def calendar(
    meetings: Iterable[Meeting], *, name: str, links: set[int] | frozenset[int] = frozenset()
) -> str:
    """A VCALENDAR of `meetings`, the link given for those whose ids are in `links`."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for meeting in meetings:
        lines += event(meeting, with_link=meeting.pk in links)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
