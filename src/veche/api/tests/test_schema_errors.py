"""Every operation of the API documents the errors it can answer, in the one error shape.

Found by the fuzzing suite (tests/fuzz/): four lists (my activity, notifications, a municipality's
comments and reports) documented only their 200, so their 404 for an unknown municipality and their
422 for a wrong `limit` were answers no client generated from the schema expected.
"""

import json
from typing import Any

from veche.api.api import api

ERROR_SHAPE = "#/components/schemas/ErrorOut"


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    # As served: JSON keys (the statuses) are strings.
    schema = json.loads(json.dumps(api.get_openapi_schema()))
    return [(method.upper(), path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def _documented(op: dict[str, Any], status: str) -> bool:
    answer = op["responses"].get(status)
    return answer is not None and answer["content"]["application/json"]["schema"]["$ref"] == ERROR_SHAPE


def test_every_operation_with_input_documents_422_and_every_path_parameter_404() -> None:
    missing = []
    for method, path, op in _operations():
        parameters = op.get("parameters", [])
        if (parameters or "requestBody" in op) and not _documented(op, "422"):
            missing.append(f"{method} {path}: 422")
        if any(p["in"] == "path" for p in parameters) and not _documented(op, "404"):
            missing.append(f"{method} {path}: 404")
        if op.get("security") and not _documented(op, "401"):
            missing.append(f"{method} {path}: 401")
    assert not missing, missing


def test_the_lists_the_fuzzer_found_document_their_errors() -> None:
    operations = {(method, path): op for method, path, op in _operations()}
    for path in (
        "/api/v1/me/activity",
        "/api/v1/notifications",
        "/api/v1/municipalities/{slug}/comments",
        "/api/v1/municipalities/{slug}/reports",
    ):
        assert _documented(operations["GET", path], "422"), path
