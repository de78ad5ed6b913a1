"""Hostile input through every page: each query parameter the project reads, each path parameter,
and each field of each form, as the role the authorization matrix lets use the page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.authz.test_matrix import World
from tests.hostile.corpus import IMG, SCRIPT, Value, urlencoded
from tests.hostile.walk import (
    FULL,
    Findings,
    built,
    changed,
    check_answer,
    client_for,
    filled,
    open311_parameters,
    plans,
    query_parameters,
    rolled_back,
    row_counts,
    shards,
    walked,
)

PAGES = walked(api=False)
GETS = sorted(key for key, (case, _role) in PAGES.items() if case.method == "GET")
POSTS = sorted(key for key, (case, _role) in PAGES.items() if case.method == "POST")
# Path parameters: past what a 64-bit column holds, and markup where a slug goes.
PATH_VALUES = (str(2**63), str(2**64), quote(IMG + SCRIPT, safe=""))
# The whole corpus goes through these fields (a sample: free text, a number, a choice, a date).
SAMPLE = {
    ("comments:create", "body"),
    ("reports:new#post", "latitude"),
    ("meetings:create#post", "starts_at"),
    ("funding:pledge", "amount"),
}


class _FormFields(HTMLParser):
    """The names of the fields of the page's POST forms that post to `action` (or to the page)."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.inside = False
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "form":
            target = urlsplit(given.get("action") or self.action).path
            self.inside = (given.get("method") or "").lower() == "post" and target == self.action
        elif tag in {"input", "textarea", "select", "button"} and self.inside and given.get("name"):
            self.names.add(str(given["name"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def form_fields(client: Client, path: str) -> set[str]:
    response = client.get(path)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return set()
    parser = _FormFields(path)
    parser.feed(response.content.decode())
    return parser.names - {"csrfmiddlewaretoken"}


@pytest.fixture
def pages_world(world: World) -> World:
    return built(world, api=False)


def _get(client: Client, path: str, fields: dict[str, Any]) -> Any:
    return client.get(path, QUERY_STRING=urlencoded(fields).decode("ascii"))


@pytest.mark.parametrize("keys", shards(GETS, 4), ids=lambda keys: f"{keys[0]}..")
def test_query_and_path_parameters(pages_world: World, keys: list[str]) -> None:
    """Every query parameter the project reads, with each kind of value, on every page; and every
    path parameter past 2^63 or with markup in it."""
    world, names, findings = pages_world, query_parameters(), Findings()
    for salt, key in enumerate(keys):
        case, role = PAGES[key]
        url, _data = filled(case, world)
        path, _, query = url.partition("?")
        kind = _kind(path)
        read = sorted({*names, *open311_parameters()}) if kind == "open311" else names
        with rolled_back():
            client = client_for(world, role)
            for plan in plans(read, salt, one=True):
                fields: dict[str, Any] = {**dict(parse_qsl(query)), **plan}
                paths = [path, path.removesuffix(".json") + ".xml"] if path.endswith(".json") else [path]
                for one in paths:
                    with rolled_back():
                        response = _get(client, one, fields)
                    check_answer(findings, f"GET {one} ?{_shown(plan)} as {role}", response, kind=kind)
            placeholders = re.findall(r"\{(\w+)\}", case.url.partition("?")[0])
            for placeholder in placeholders if FULL else placeholders[:1]:
                given = str(world.values[placeholder])
                for raw in PATH_VALUES if FULL else PATH_VALUES[1:] if given.isdigit() else PATH_VALUES[2:]:
                    hostile, _data = filled(case, world, **{placeholder: raw})
                    with rolled_back():
                        response = client.get(hostile)
                    check_answer(findings, f"GET {hostile} as {role}", response, kind=kind)
    print(f"\n{len(keys)} pages, {findings.requests} requests, {len(names)} query parameters: {names}")
    assert not findings.problems, findings.report()


@pytest.mark.parametrize("keys", shards(POSTS, 3), ids=lambda keys: f"{keys[0]}..")
def test_form_fields(pages_world: World, keys: list[str]) -> None:
    """Each field of each form (the matrix's data and the fields the form's page shows) with each
    kind of value; a refusal changes nothing stored, and what is accepted is shown escaped on the
    page it leads to."""
    world, findings = pages_world, Findings()
    for salt, key in enumerate(keys):
        case, role = PAGES[key]
        path, data = filled(case, world)
        with rolled_back():
            client = client_for(world, role)
            extra = open311_parameters() if _kind(path) == "open311" else form_fields(client, path)
            names = sorted(set(data) | set(extra))
            sampled = [name for name in names if (key, name) in SAMPLE]
            for plan in plans(names, salt) + plans(sampled, salt, sample=True):
                _post_one(findings, world, client, case, key, role, path, {**data, **plan}, _shown(plan))
    print(f"\n{len(keys)} forms, {findings.requests} requests")
    assert not findings.problems, findings.report()


def _shown(plan: dict[str, Value]) -> str:
    values = set(plan.values())
    if len(values) == 1 and len(plan) > 1:
        return f"*={next(iter(values))}"
    return " ".join(f"{name}={value}" for name, value in plan.items())


def _post_one(
    findings: Findings,
    world: World,
    client: Client,
    case: Any,
    key: str,
    role: str,
    path: str,
    fields: dict[str, Any],
    shown: str,
) -> None:
    multipart = any(isinstance(v, SimpleUploadedFile) for v in fields.values())
    if multipart:  # a multipart body carries text fields as text
        fields = {k: v for k, v in fields.items() if not (isinstance(v, Value) and isinstance(v.raw, bytes))}
    where = f"POST {path} {shown} as {role} ({key})"
    with rolled_back():
        before, state = row_counts(), case.state(world) if case.state else None
        if multipart:
            for upload in fields.values():
                if isinstance(upload, SimpleUploadedFile):
                    upload.seek(0)
            plain = {k: (v.raw if isinstance(v, Value) else v) for k, v in fields.items()}
            response = client.post(path, data=plain)
        else:
            response = client.post(
                path, data=urlencoded(fields), content_type="application/x-www-form-urlencoded"
            )
        check_answer(findings, where, response, kind=_kind(path))
        # A form shown again with its messages answers 400 (core.forms.page_status); 200 is a page
        # that follows a write (a new key shown once).
        refused = 400 <= response.status_code < 500
        if refused:
            difference = changed(before, row_counts())
            if difference:
                findings.add(where, f"refused ({response.status_code}) but rows changed: {difference}")
            if case.state is not None and case.state(world) != state:
                findings.add(where, f"refused ({response.status_code}) but {state!r} changed")
        elif response.status_code == 302 and response["Location"].startswith("/"):
            landing = client.get(response["Location"])
            check_answer(findings, f"{where} -> GET {response['Location']}", landing, kind=_kind(path))


def _kind(path: str) -> str:
    return "open311" if path.startswith("/open311/") else "page"
