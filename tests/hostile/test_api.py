"""Hostile input through every operation of the JSON API, walked from its OpenAPI description:
each path parameter, each query parameter and each field of each body, one at a time (the rest
kept valid, from the authorization matrix), and bodies that are deep, huge, not UTF-8 or of the
wrong type."""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.authz.test_matrix import ROUTES, Case, World
from tests.hostile.corpus import (
    CORPUS,
    IMG,
    JSON_NUMBERS,
    REPRESENTATIVE,
    SCRIPT,
    WRONG_TYPES,
    Literal,
    Value,
    deep_json,
    deep_object,
    huge_array,
    json_body,
    urlencoded,
)
from tests.hostile.walk import (
    Findings,
    built,
    changed,
    check_answer,
    client_for,
    filled,
    rolled_back,
    row_counts,
    shards,
    walked,
)
from veche.api.api import api

# Every API case of the matrix: as the role it allows, or, when it allows none (only an object's
# author may close an appeal), as a resident, whose request is walked up to its refusal.
ALLOWED = walked(api=True)
CASES = {
    **ALLOWED,
    **{key: (case, "resident") for key, case in ROUTES.items() if case.api and key not in ALLOWED},
}
PATH_VALUES = (str(2**63), str(2**64), "-1", "12abc", quote(IMG + SCRIPT, safe=""))
# Every field of these operations' bodies gets the whole corpus; the others one value of each kind.
SAMPLE = {("POST", "/api/v1/municipalities/{slug}/comments"), ("POST", "/api/v1/budgets/{budget_id}/ballots")}
BODIES = {
    "deep array": deep_json(),
    "deep object": deep_object(),
    "3 MB array": huge_array(),
    "not UTF-8": b'{"x": "\xff\xfe"}',
    "a list for the object": b"[]",
    "a string for the object": b'"x"',
    "not JSON": b"{'x': 1,",
}


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return [
        (method.upper(), template, operation)
        for template, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


@cache
def _components() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1/").get("components", {}).get("schemas", {})


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0], components)
    return schema


def body_fields(operation: dict[str, Any]) -> tuple[str, list[str]]:
    """The body's media type and the names of its top-level fields."""
    content = operation.get("requestBody", {}).get("content", {})
    for media in ("application/json", "multipart/form-data"):
        if media in content:
            schema = _resolve(content[media]["schema"], _components())
            names = list(schema.get("properties", {}))
            # A multipart body wraps its JSON part and its files in properties of their own.
            for name, part in list(schema.get("properties", {}).items()):
                inner = _resolve(part, _components())
                if media == "multipart/form-data" and "properties" in inner:
                    names.remove(name)
                    names.extend(inner["properties"])
            return media, names
    return "", []


def _match(method: str, template: str, url: str) -> bool:
    pattern = "^" + re.sub(r"\\\{\w+\\\}", "[^/?]+", re.escape(template)) + r"(\?.*)?$"
    return re.match(pattern, url) is not None


OPERATIONS = operations()
KEYS = [f"{method} {template}" for method, template, _op in OPERATIONS]


@pytest.fixture
def api_world(world: World) -> World:
    return built(world, api=True)


def test_every_operation_is_walked(api_world: World) -> None:
    """Each operation of the API has a case in the matrix that a role may use, so it is walked."""
    missing = [key for key in KEYS if _find(api_world, *key.split(" ", 1)) is None]
    # An operation nobody may use (the matrix denies it to every role) cannot be walked past its
    # refusal; those are listed here by name, so a new one is a decision.
    assert set(missing) <= NOBODY, (
        f"operations without a usable case in the matrix: {sorted(set(missing) - NOBODY)}"
    )


# Operations the matrix lets no role use with the world it builds.
NOBODY = {"PUT /api/v1/ideas/{idea_id}/rating"}


def _find(world: World, method: str, template: str) -> tuple[Case, str, str] | None:
    for case, role in CASES.values():
        url, _data = filled(case, world)
        if case.method == method and _match(method, template, url):
            return case, role, url
    return None


@pytest.mark.parametrize("keys", shards(KEYS, 4), ids=lambda keys: f"{keys[0]}..")
def test_operations(api_world: World, keys: list[str]) -> None:
    world, findings = api_world, Findings()
    operation_of = {f"{m} {t}": op for m, t, op in OPERATIONS}
    for key in keys:
        method, template = key.split(" ", 1)
        found = _find(world, method, template)
        if found is None:
            continue
        case, role, url = found
        operation = operation_of[key]
        with rolled_back():
            client = client_for(world, role, api=True)
            _walk(findings, world, client, case, role, method, template, url, operation)
    print(f"\n{len(keys)} operations, {findings.requests} requests")
    assert not findings.problems, findings.report()


def _walk(
    findings: Findings,
    world: World,
    client: Client,
    case: Case,
    role: str,
    method: str,
    template: str,
    url: str,
    operation: dict[str, Any],
) -> None:
    path, _, query = url.partition("?")
    base_query = dict(parse_qsl(query))
    _url, data = filled(case, world)
    media, fields = body_fields(operation)

    def send(where: str, path: str, query: dict[str, Any], body: bytes | dict[str, Any] | None) -> None:
        with rolled_back():
            before = row_counts() if method != "GET" else {}
            qs = urlencoded(query).decode("ascii")
            if method == "GET":
                response = client.get(path, QUERY_STRING=qs)
            elif isinstance(body, dict):
                for upload in body.values():
                    if isinstance(upload, SimpleUploadedFile):
                        upload.seek(0)
                response = client.post(path, data=body, QUERY_STRING=qs)
            else:
                call = client.put if method == "PUT" else client.post
                response = call(path, data=body or b"", content_type="application/json", QUERY_STRING=qs)
            check_answer(findings, f"{method} {where} as {role}", response, kind="api")
            if before and 400 <= response.status_code < 500 and (difference := changed(before, row_counts())):
                findings.add(where, f"refused ({response.status_code}) but rows changed: {difference}")

    def json_of(fields_: dict[str, Any]) -> bytes | dict[str, Any] | None:
        if media == "multipart/form-data":
            return {
                k: (v.raw if isinstance(v, Value) else v.text if isinstance(v, Literal) else v)
                for k, v in fields_.items()
            }
        return json_body(fields_) if media else None

    for parameter in operation.get("parameters", []):
        name, where_ = parameter["name"], parameter["in"]
        if where_ == "path":
            for raw in PATH_VALUES:
                hostile = _with_path(template, path, name, raw)
                send(f"{hostile} [{name}]", hostile, base_query, json_of(data))
        elif where_ == "query":
            for value in REPRESENTATIVE:
                send(f"{path}?{name}={value}", path, {**base_query, name: value}, json_of(data))
    for name in fields:
        sample = (method, template) in SAMPLE
        values: list[Any] = list(CORPUS if sample else REPRESENTATIVE)
        if media == "application/json":
            literals = (JSON_NUMBERS + WRONG_TYPES) if sample else (str(2**64), "1e309", "[]", "{}")
            values += [Literal(text) for text in literals]
        for value in values:
            if media == "multipart/form-data" and isinstance(getattr(value, "raw", None), bytes):
                continue
            send(f"{path} {name}={value}", path, base_query, json_of({**data, name: value}))
    if media == "application/json":
        for label, body in BODIES.items():
            send(f"{path} body: {label}", path, base_query, body)


def _with_path(template: str, path: str, name: str, raw: str) -> str:
    """The filled `path` with the segment that `template` names `name` replaced by `raw`."""
    template_parts, parts = template.split("/"), path.split("/")
    return "/".join(raw if t == "{" + name + "}" else p for t, p in zip(template_parts, parts, strict=True))
