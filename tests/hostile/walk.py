"""What the hostile suites share: the routes of the authorization matrix, who may use each, requests
sent in a transaction that is rolled back, and the checks every answer must pass.

The routes are the matrix's (`tests.authz.test_matrix.ROUTES`), which `test_every_route_is_in_the_matrix`
keeps complete: a route added to the project is added there, and so is walked here.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections import ChainMap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.test import Client

from tests.authz.test_matrix import DENIED, ROLES, ROUTES, Case, World, _fill
from tests.hostile.corpus import APART, COMBINED, CORPUS, REPRESENTATIVE, Value, formula_cells
from veche.accounts.models import User
from veche.accounts.services import api_token_create

# The role a route is walked as: the first that the matrix lets use it, staff first (they see the
# most: forms, exports, hidden content).
PREFERENCE = (
    "municipal_admin",
    "platform_admin",
    "official",
    "moderator",
    "verified",
    "resident",
    "anonymous",
)
# Tables a refused write may still change: its session, its rate-limit counter, the audit of a refusal.
BOOKKEEPING = {"django_session", "core_ratelimitcounter", "core_auditentry", "accounts_apitoken"}
SOURCE = Path(__file__).resolve().parents[2] / "src" / "veche"


# The quick walk (the default run) sends each route two requests: every parameter with the text
# kinds combined, and the other kinds spread over the parameters; the full walk (VECHE_HOSTILE=full)
# sends each kind to each parameter in turn. A sample of parameters gets the whole corpus in both.
FULL = os.environ.get("VECHE_HOSTILE") == "full"


def plans(names: list[str], salt: int, sample: bool = False, one: bool = False) -> list[dict[str, Value]]:
    """The hostile values to send, one dict per request: parameter name -> value. `one`: a single
    request, the kinds spread over the parameters (a page reads a few of the query parameters)."""
    if sample:
        return [{name: value} for name in names for value in CORPUS]
    if FULL:
        return [{name: value} for name in names for value in REPRESENTATIVE]
    if not names:
        return []
    if one:
        kinds = (COMBINED, *APART)
        return [{name: kinds[(i + salt) % len(kinds)] for i, name in enumerate(names)}]
    return [
        dict.fromkeys(names, COMBINED),
        {name: APART[(i + salt) % len(APART)] for i, name in enumerate(names)},
    ]


def allowed_role(case: Case) -> str | None:
    for role in PREFERENCE:
        status = case.statuses[ROLES.index(role)]
        if status not in DENIED:
            return role
    return None


def walked(api: bool) -> dict[str, tuple[Case, str]]:
    """The matrix's routes that some role may use, each with that role: one case for each route
    and method (a variant for another object or another role adds nothing here)."""
    found: dict[str, tuple[Case, str]] = {}
    seen: set[tuple[str, str]] = set()
    for key, case in ROUTES.items():
        role = allowed_role(case)
        # An API route name may cover several operations (a path's methods): each case is kept.
        route = (key if api else key.split("#", 1)[0], case.method)
        if role is not None and case.api == api and key != "admin" and route not in seen:
            seen.add(route)
            found[key] = (case, role)
    return found


def shards(keys: list[str], count: int) -> list[list[str]]:
    return [keys[i::count] for i in range(count)]


def open311_parameters() -> list[str]:
    """Every parameter the Open311 server reads (`get(data, "...")` and the like in its source)."""
    names: set[str] = set()
    for path in (SOURCE / "open311").glob("*.py"):
        names.update(re.findall(r"\(data, \"(\w+)\"", path.read_text()))
    return sorted(names)


def query_parameters() -> list[str]:
    """Every query parameter a page reads: `request.GET[...]`, `.get(...)`, `.getlist(...)`, and
    the fields of each form bound to `request.GET`, found in the source."""
    import importlib

    from django import forms

    names: set[str] = set()
    form_classes: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        names.update(re.findall(r"request\.GET(?:\.get|\.getlist)?[\(\[]\s*\"(\w+)\"", text))
        names.update(re.findall(r"\(request\.GET,\s*\"(\w+)\"", text))
        form_classes.update(re.findall(r"(\w+Form)\(\s*request\.GET", text))
    for path in SOURCE.rglob("forms.py"):
        module = importlib.import_module(".".join(path.relative_to(SOURCE.parent).with_suffix("").parts))
        for name in form_classes:
            form = getattr(module, name, None)
            if isinstance(form, type) and issubclass(form, forms.BaseForm):
                names.update(getattr(form, "base_fields", {}))
    return sorted(names)


def client_for(world: World, role: str, api: bool = False) -> Client:
    user: User | None = world.users[role]
    # A server error is answered as in production (a 500), and found among the other problems.
    if user is None:
        return Client(raise_request_exception=False)
    if api:
        _token, secret = api_token_create(user=user, name="hostile")
        return Client(headers={"authorization": f"Bearer {secret}"}, raise_request_exception=False)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever the requests inside write is undone, so each route meets the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def row_counts() -> dict[str, int]:
    """The number of rows of every table but the bookkeeping ones, in one query."""
    tables = [t for t in connection.introspection.table_names() if t not in BOOKKEEPING]
    quote = connection.ops.quote_name
    # Table names from the introspection of our own database, quoted: nothing from a request.
    sql = " UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {quote(t)}" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after.get(t, 0)) for t in before if before[t] != after.get(t, 0)}


@dataclass
class Findings:
    """Every problem a walk meets, reported together at the end."""

    problems: list[str] = field(default_factory=list)
    requests: int = 0

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def report(self) -> str:
        shown = "\n".join(self.problems[:80])
        more = f"\n... and {len(self.problems) - 80} more" if len(self.problems) > 80 else ""
        return f"{len(self.problems)} problems in {self.requests} requests:\n{shown}{more}"


def content_type(response: Any) -> str:
    return str(response.get("Content-Type", "")).split(";")[0].strip()


class _Active(HTMLParser):
    """Markup the payloads would add if a page wrote them unescaped: a script running alert(1),
    an event attribute calling it, a javascript: link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on") and "alert(1)" in (value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and "alert(1)" in data:
            self.found.append(f"<script>{data[:60]}")


def active_markup(text: str) -> list[str]:
    parser = _Active()
    parser.feed(text)
    parser.close()
    return parser.found


def check_answer(findings: Findings, where: str, response: Any, *, kind: str) -> None:
    """The checks every answer passes: no 5xx; a refusal in the shape of its kind ("page", "api",
    "open311"); JSON as application/json that parses; HTML and XML with every payload escaped;
    CSV without a cell a spreadsheet would run."""
    findings.requests += 1
    status = response.status_code
    if status >= 500:
        error = getattr(response, "exc_info", None)
        findings.add(where, f"{status} server error: {error[1]!r}" if error else f"{status} server error")
        return
    ctype = content_type(response)
    streaming = getattr(response, "streaming", False)
    body = b"".join(response.streaming_content) if streaming else response.content
    if ctype == "application/json" or (kind in {"api", "open311"} and body[:1] in {b"{", b"["}):
        if ctype != "application/json":
            findings.add(where, f"JSON served as {ctype!r}")
        try:
            parsed = json.loads(body)
        except ValueError:
            findings.add(where, f"answer is not JSON: {body[:80]!r}")
            return
        if 400 <= status < 500:
            _check_json_error(findings, where, status, parsed, kind)
    elif kind == "api" and 400 <= status < 500 and status != 405:
        findings.add(where, f"API refusal {status} not in JSON but {ctype!r}: {body[:80]!r}")
    elif ctype in {"text/html", "application/xml", "text/xml", "application/atom+xml", "image/svg+xml"}:
        text = body.decode("utf-8", "replace")
        for place in active_markup(text):
            findings.add(where, f"unescaped payload in {ctype}: {place!r}")
        if kind == "open311" and 400 <= status < 500 and ctype != "text/html" and "<errors>" not in text:
            findings.add(where, f"Open311 refusal {status} without its error list: {text[:120]!r}")
    elif ctype == "text/csv":
        text = body.decode("utf-8-sig", "replace")
        try:
            dialect: Any = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
        except csv.Error:  # one column: nothing to tell the delimiter by
            dialect = csv.excel
        for cell in formula_cells(iter(csv.reader(io.StringIO(text), dialect)))[:3]:
            findings.add(where, f"CSV cell a spreadsheet would run: {cell[:60]!r}")
    # A download (CSV) refuses with its message as plain text, which a script reads.
    download = ".csv" in where.split(" ", 2)[1]
    if (
        kind == "page"
        and 400 <= status < 500
        and ctype not in {"text/html", "application/json"}
        and not (download and ctype == "text/plain")
    ):
        findings.add(where, f"page refusal {status} served as {ctype!r}")


def _check_json_error(findings: Findings, where: str, status: int, parsed: Any, kind: str) -> None:
    if kind == "open311":
        ok = (
            isinstance(parsed, list)
            and parsed
            and all(
                isinstance(e, dict) and e.get("code") == status and isinstance(e.get("description"), str)
                for e in parsed
            )
        )
        if not ok:
            findings.add(where, f"Open311 refusal {status} not its error list: {str(parsed)[:120]}")
        return
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not (
        isinstance(error, dict)
        and isinstance(error.get("code"), str)
        and isinstance(error.get("message"), str)
    ):
        findings.add(where, f"API refusal {status} not in the error shape: {str(parsed)[:120]}")
        return
    if status in {400, 422} and error.get("code") == "validation_error" and not error.get("fields"):
        findings.add(where, f"validation error {status} without field messages: {error}")


def filled(case: Case, world: World, **replaced: str) -> tuple[str, dict[str, Any]]:
    """The case's URL and data with the World's values, some placeholders `replaced`."""
    values: Any = ChainMap(replaced, world.values)
    return case.url.format_map(values), {name: _fill(v, values) for name, v in case.data.items()}


def built(world: World, api: bool) -> World:
    """The World with every value the walked routes need built now: some are built when first
    asked for, and one built inside a rolled-back request would be gone for the next."""
    for case, _role in walked(api).values():
        filled(case, world)
    return world
