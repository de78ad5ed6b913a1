"""Request ids: taken or made, echoed, on every log line; JSON lines; the id travels into tasks."""

import json
import logging
import sys

import pytest
from django.test import Client

from veche.ops.logs import JsonFormatter, RequestIdFilter, request_id
from veche.ops.tasks import HEADER, add_request_id


@pytest.mark.django_db
def test_a_safe_request_id_is_kept_and_echoed(client: Client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["", "has space", "x" * 65, "<script>", "a\nb"])
def test_an_unsafe_request_id_is_replaced(client: Client, given: str) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_one_access_line_per_request_with_the_route_and_no_query(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="veche.access"):
        response = client.get("/healthz?token=secret", HTTP_X_REQUEST_ID="req-1")
    lines = [record for record in caplog.records if record.name == "veche.access"]
    assert len(lines) == 1
    line = JsonFormatter().format(lines[0])
    record = json.loads(line)
    assert record["request_id"] == "req-1" == response["X-Request-ID"]
    assert (record["method"], record["route"], record["status"]) == ("GET", "healthz", 200)
    assert isinstance(record["duration_ms"], float)
    assert "secret" not in line


def test_json_lines_carry_time_level_logger_request_id_and_traceback() -> None:
    logger = logging.getLogger("veche.test")
    try:
        raise ValueError("broken\nacross lines")
    except ValueError:
        info = sys.exc_info()
        record = logger.makeRecord("veche.test", logging.ERROR, __file__, 1, "failed %s", ("here",), info)
    token = request_id.set("abc")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["time"].endswith("+00:00")
    assert (data["level"], data["logger"], data["message"], data["request_id"]) == (
        "ERROR",
        "veche.test",
        "failed here",
        "abc",
    )
    assert "ValueError: broken" in data["exc_info"]


def test_a_task_published_during_a_request_carries_its_id() -> None:
    headers: dict[str, str] = {}
    add_request_id(headers=headers)
    assert HEADER not in headers  # outside a request there is no id to carry
    token = request_id.set("req-9")
    try:
        add_request_id(headers=headers)
    finally:
        request_id.reset(token)
    assert headers[HEADER] == "req-9"
