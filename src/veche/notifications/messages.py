"""What a notice says, kept as messages with their arguments and written out when it is read.

A notice is read later, maybe in another language than the one active when it was left (a resident
switches to English; an e-mail goes in the recipient's language). So `notify` stores each title and
body as a message id (marked with gettext_noop, so makemessages finds it) and its arguments, in the
notice's `params`, and pages, the API and e-mails write it out with `render` in the reader's
language. The arguments keep what must be written in that language too: dates and moments (formatted
for the locale), names staff give in both languages, and other messages.
"""

from dataclasses import dataclass
from datetime import date, datetime
from string import Formatter
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils import formats
from django.utils.translation import get_language, gettext


@runtime_checkable
class Bilingual(Protocol):
    """Something with a Russian and an optional English name (the models of municipalities)."""

    name_ru: str
    name_en: str | None


Argument = Any  # str | int | date | datetime | Bilingual | Message


@dataclass(frozen=True)
class Message:
    """A message id with "{}" places, filled in order by `args`."""

    text: str
    args: tuple[Argument, ...] = ()


def message(text: str, *args: Argument) -> Message:
    return Message(text, args)


def encode(value: Argument) -> Any:
    """`value` as JSON for a notice's params."""
    if isinstance(value, Message):
        return {"msg": value.text, "args": [encode(arg) for arg in value.args]}
    if isinstance(value, datetime):
        # The moment as its local time was given (the municipality's), so that it reads the same.
        return {"moment": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Bilingual):
        return {"names": {"ru": value.name_ru, "en": value.name_en or ""}}
    if isinstance(value, int):
        return value
    return str(value)


def render(value: Any) -> str:
    """An encoded value written out in the active language."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)  # numbers in notices are report numbers: never grouped
    if "msg" in value:
        return fill(gettext(value["msg"]), [render(arg) for arg in value["args"]])
    if "moment" in value:
        return formats.date_format(datetime.fromisoformat(value["moment"]), "DATETIME_FORMAT")
    if "date" in value:
        return formats.date_format(date.fromisoformat(value["date"]), "DATE_FORMAT")
    names: dict[str, str] = value["names"]
    return names.get((get_language() or settings.LANGUAGE_CODE)[:2]) or names["ru"]


def fill(template: str, args: list[str]) -> str:
    """`template` with its "{}" places filled by `args`, with one full stop where an argument that
    ends with one (a Russian date, "3 мая 2026 г.") closes the sentence: the abbreviation's stop
    serves as the sentence's, as Russian typography (and English) write it."""
    out: list[str] = []
    position = 0
    previous = ""
    for literal, field, _spec, _conversion in Formatter().parse(template):
        if previous.endswith(".") and literal.startswith(".") and not literal.startswith(".."):
            literal = literal[1:]
        out.append(literal)
        previous = literal or previous
        if field is None:
            continue
        index = int(field) if field.isdigit() else position
        position += 1
        previous = args[index] if index < len(args) else ""
        out.append(previous)
    return "".join(out)
