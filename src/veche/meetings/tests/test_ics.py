"""The calendars, read by a strict reader of RFC 5545: CRLF, lines of at most 75 octets folded
without splitting a character, escaped TEXT, UTC times, a stable UID and a growing SEQUENCE."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from veche.meetings.ics import fold
from veche.meetings.models import Kind, Meeting
from veche.meetings.services import meeting_cancel, meeting_update, registration_make
from veche.meetings.tests.helpers import announce, meeting_fields, running_project

pytestmark = pytest.mark.django_db

TEXT = {"SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME"}
UTC_TIME = re.compile(r"^\d{8}T\d{6}Z$")


def unescape(value: str) -> str:
    """A TEXT value read back; a lone backslash, comma or semicolon is an error (RFC 5545, 3.3.11)."""
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "\\":
            following = value[i + 1]
            assert following in "\\;,nN", f"bad escape \\{following} in {value!r}"
            out.append("\n" if following in "nN" else following)
            i += 2
            continue
        assert char not in ",;", f"unescaped {char!r} in {value!r}"
        out.append(char)
        i += 1
    return "".join(out)


def parse(body: bytes) -> list[dict[str, list[str]]]:
    """The components of a calendar as {property: [values]}, each line checked as it is read."""
    assert body.endswith(b"\r\n")
    physical = body[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical), "a bare LF or CR"
    logical: list[bytes] = []
    for line in physical:
        assert len(line) <= 75, f"{len(line)} octets: {line!r}"
        line.decode("utf-8")  # each physical line is whole UTF-8: no character was split
        if line.startswith(b" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    components: list[dict[str, list[str]]] = []
    stack: list[str] = []
    for raw in logical:
        name, _, value = raw.decode().partition(":")
        assert re.fullmatch(r"[A-Z-]+", name), name
        if name == "BEGIN":
            stack.append(value)
            components.append({"_": [value]})
            continue
        if name == "END":
            assert stack.pop() == value
            continue
        assert stack, f"{name} outside a component"
        current = next(c for c in reversed(components) if c["_"] == [stack[-1]])
        current.setdefault(name, []).append(unescape(value) if name in TEXT else value)
    assert not stack
    return components


def events(body: bytes) -> list[dict[str, list[str]]]:
    components = parse(body)
    assert components[0]["_"] == ["VCALENDAR"]
    assert components[0]["VERSION"] == ["2.0"] and components[0]["PRODID"]
    found = [c for c in components if c["_"] == ["VEVENT"]]
    for event in found:
        for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "SUMMARY", "URL", "STATUS"):
            assert len(event.get(name, [])) == 1, name
        for name in ("DTSTAMP", "DTSTART", "DTEND"):
            assert UTC_TIME.match(event[name][0]), event[name]
    return found


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "Ж" * 100 + "ё😀" * 20
    folded = fold(line)
    pieces = folded.encode().split(b"\r\n")
    assert all(len(p) <= 75 for p in pieces)
    assert all(p.decode() for p in pieces)
    assert "".join(p.decode()[1:] if i else p.decode() for i, p in enumerate(pieces)) == line


@pytest.fixture
def project(municipality, municipal_admin):
    return running_project(municipal_admin, municipality)


def test_a_meeting_as_an_event(project, municipal_admin):
    title = "Встреча жителей: парк, дорожки; свет \\ и «скамейки» — " + "очень длинное название " * 3
    starts = datetime(2030, 6, 1, 15, 0, tzinfo=UTC)
    meeting = announce(
        municipal_admin, project, title=title, description="Строка 1\nСтрока 2, с запятой", starts_at=starts
    )

    response = Client().get(meeting.get_absolute_url() + "meeting.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = events(response.content)
    assert event["SUMMARY"] == [title[:200].strip()]
    assert event["DESCRIPTION"] == ["Строка 1\nСтрока 2, с запятой"]
    assert event["LOCATION"] == ["ул. Ленина, 1"]
    assert event["GEO"] == ["55.750000;37.610000"]
    assert event["DTSTART"] == ["20300601T150000Z"] and event["DTEND"] == ["20300601T170000Z"]
    assert event["UID"] == [f"meeting-{meeting.pk}@127.0.0.1"]
    assert event["URL"] == ["http://127.0.0.1:8000" + meeting.get_absolute_url()]
    assert event["STATUS"] == ["CONFIRMED"] and event["SEQUENCE"] == ["0"]


def test_a_change_keeps_the_uid_and_raises_the_sequence_a_cancel_says_so(project, municipal_admin):
    meeting = announce(municipal_admin, project)
    url = meeting.get_absolute_url() + "meeting.ics"
    (before,) = events(Client().get(url).content)

    meeting_update(
        actor=municipal_admin,
        meeting=meeting,
        **meeting_fields(starts_at=meeting.starts_at + timedelta(hours=1)),
    )
    (changed,) = events(Client().get(url).content)
    meeting_cancel(actor=municipal_admin, meeting=meeting)
    (cancelled,) = events(Client().get(url).content)

    assert before["UID"] == changed["UID"] == cancelled["UID"]
    assert (before["SEQUENCE"], changed["SEQUENCE"], cancelled["SEQUENCE"]) == (["0"], ["1"], ["2"])
    assert cancelled["STATUS"] == ["CANCELLED"]


def test_the_project_calendar_says_a_meeting_is_cancelled_until_it_would_have_ended(project, municipal_admin):
    kept = announce(municipal_admin, project, title="Kept")
    cancelled = announce(municipal_admin, project, title="Cancelled")
    long_ago = announce(municipal_admin, project, title="Long ago")
    url = f"/m/{project.municipality.slug}/projects/{project.pk}/meetings/calendar.ics"
    assert {e["STATUS"][0] for e in events(Client().get(url).content)} == {"CONFIRMED"}
    meeting_cancel(actor=municipal_admin, meeting=cancelled)
    meeting_cancel(actor=municipal_admin, meeting=long_ago)
    Meeting.objects.filter(pk=long_ago.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2, hours=-1)
    )

    subscribed = {e["UID"][0]: e for e in events(Client().get(url).content)}

    assert set(subscribed) == {f"meeting-{kept.pk}@127.0.0.1", f"meeting-{cancelled.pk}@127.0.0.1"}
    assert subscribed[f"meeting-{kept.pk}@127.0.0.1"]["STATUS"] == ["CONFIRMED"]
    assert subscribed[f"meeting-{cancelled.pk}@127.0.0.1"]["STATUS"] == ["CANCELLED"]


def test_the_online_link_is_in_the_calendar_of_those_with_a_place_only(
    project, municipal_admin, client_for, resident
):
    link = "https://meet.example.org/park?room=1,2;3"
    meeting = announce(municipal_admin, project, kind=Kind.ONLINE, online_url=link)
    url = meeting.get_absolute_url() + "meeting.ics"
    (public,) = events(Client().get(url).content)
    assert link not in str(public)
    assert public["LOCATION"] == ["http://127.0.0.1:8000" + meeting.get_absolute_url()]

    registration_make(user=resident, meeting=meeting)
    (mine,) = events(client_for(resident).get(url).content)
    assert mine["LOCATION"] == [link]
