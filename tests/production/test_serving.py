"""`make run`'s serving path, for real: scripts/serve.sh starts gunicorn with settings.local on a free
port, over the test's own database, in a data directory of its own.

What a person running the demo relies on: static files with far-future caching and a compressed
copy, the friendly page instead of a traceback when something breaks, every request of a burst
answered in full (the development server reset connections), and a secret key made once and kept.
"""

import fcntl
import http.client
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import orjson
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from veche.accounts.services import api_token_create
from veche.core.testing import PASSWORD
from veche.polls.models import PollVote
from veche.polls.tests.helpers import option_ids

pytestmark = pytest.mark.production

ROOT = Path(__file__).resolve().parents[2]
BURST = 64
START_TIMEOUT = 180


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    """The test database (pytest-django made and migrated it) as a URL for the server's processes."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    """scripts/serve.sh in a process group of its own, as `make run` starts it (without the demo)."""

    def __init__(self, data_dir: Path, template_dir: Path) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            # The interpreter running the tests is the one whose veche and gunicorn serve.
            "BIN": str(Path(sys.executable).parent),
            "VECHE_DATA_DIR": str(data_dir),
            "VECHE_TEMPLATE_DIR": str(template_dir),
            "DATABASE_URL": database_url(),
            "WEB_CONCURRENCY": "2",
            "PYTHONPATH": str(ROOT / "src"),
        }
        for name in ("SECRET_KEY", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"):
            self.env.pop(name, None)
        self.log = template_dir.parent / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """serve.sh until it answers, one server at a time (they may share the data directory)."""
        with (self.data_dir.parent / f"{self.data_dir.name}.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._start()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _start(self) -> None:
        started = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own script
                [shutil.which("bash") or "/bin/bash", str(ROOT / "scripts" / "serve.sh")],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.monotonic() - started < START_TIMEOUT:
            if self.process.poll() is not None:
                raise AssertionError(f"serve.sh exited with {self.process.returncode}:\n{self.output()}")
            try:
                if fetch(self.port, "GET", "/healthz").status == 200:
                    print(f"serve.sh answered after {time.monotonic() - started:.1f} s")
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise AssertionError(f"serve.sh did not answer in {START_TIMEOUT} s:\n{self.output()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="module")
def server(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve")
    # An operator's template override with a mistake in it (VECHE_TEMPLATE_DIR): the home page fails
    # for real inside the server, as a bug would, with nothing added to the code for the test.
    broken = root / "templates" / "municipalities" / "home.html"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        '{% extends "base.html" %}{% block content %}{% include "no/such.html" %}{% endblock %}'
    )
    # Under xdist each worker serves its own test database, from one data directory of the run: the
    # first collects the static files, the next finds them collected (as a second `make run` does),
    # and both use the one key file. One starts at a time.
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    server = Server(shared / "production-data", root / "templates")
    server.start()
    yield server
    server.stop()


def test_static_files_are_served_hashed_with_far_future_caching_and_gzipped(server: Server) -> None:
    manifest = orjson.loads((server.data_dir / "static" / "staticfiles.json").read_bytes())
    hashed = manifest["paths"]["veche/veche.css"]
    assert hashed != "veche/veche.css"

    answer = fetch(server.port, "GET", f"/static/{hashed}", {"Accept-Encoding": "gzip"})

    assert answer.status == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in answer.headers["Cache-Control"]
    assert "immutable" in answer.headers["Cache-Control"]
    assert "Accept-Encoding" in answer.headers["Vary"]
    plain = fetch(server.port, "GET", f"/static/{hashed}")
    assert "Content-Encoding" not in plain.headers and len(plain.body) > len(answer.body)


def test_the_service_worker_names_the_hashed_files_it_keeps_and_answers_304_unchanged(server: Server) -> None:
    answer = fetch(server.port, "GET", "/sw.js", {"Accept-Language": "ru"})
    assert answer.status == 200, answer.body[-2000:]
    assert answer.headers["Service-Worker-Allowed"] == "/"
    config = orjson.loads(re.search(rb"^const CONFIG = (.*);$", answer.body, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert config["static"] == "/static/"
    kept = [url for url in config["shell"] if url.startswith("/static/")]
    assert "/static/veche/veche.css" not in kept  # the hashed name, which the pages link
    for url in kept:
        assert fetch(server.port, "GET", url).status == 200, url
    again = fetch(
        server.port, "GET", "/sw.js", {"Accept-Language": "ru", "If-None-Match": answer.headers["ETag"]}
    )
    assert (again.status, again.body) == (304, b"")
    manifest = orjson.loads(fetch(server.port, "GET", "/manifest.webmanifest").body)
    for icon in manifest["icons"]:
        assert fetch(server.port, "GET", icon["src"]).status == 200, icon


def test_a_server_error_shows_the_friendly_page_and_no_traceback(server: Server) -> None:
    answer = fetch(server.port, "GET", "/", {"Accept-Language": "en"})

    page = answer.body.decode()
    assert answer.status == 500
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "Something went wrong" in page
    for leak in ("Traceback", "TemplateDoesNotExist", "no/such.html", "site-packages", 'File "'):
        assert leak not in page
    # The failure is in the server's log for the operator, with its traceback.
    assert "TemplateDoesNotExist" in server.output()
    assert fetch(server.port, "GET", "/analytics/", {"Accept-Language": "en"}).status == 200


def test_a_burst_of_identical_votes_gets_complete_answers_and_counts_once(
    server: Server, transactional_db: None, voter, make_poll
) -> None:
    poll = make_poll()
    _token, secret = api_token_create(user=voter, name="burst")
    body = orjson.dumps({"options": option_ids(poll)[:1]})
    headers = {
        "Authorization": f"Bearer {secret}",
        "Content-Type": "application/json",
        "Idempotency-Key": "burst-1",
    }
    # Every socket is connected before any request is sent, then all send at once.
    sockets = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=120) for _ in range(BURST)]
    for conn in sockets:
        conn.connect()
    barrier = threading.Barrier(BURST)
    answers: list[Answer | BaseException] = [RuntimeError("no answer")] * BURST

    def send(i: int) -> None:
        conn = sockets[i]
        try:
            barrier.wait()
            conn.request("POST", f"/api/v1/polls/{poll.pk}/votes", body=body, headers=headers)
            response = conn.getresponse()
            answers[i] = Answer(response.status, response.headers, response.read())
        except BaseException as exc:  # a reset connection, a timeout: what this test is about
            answers[i] = exc
        finally:
            conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=send, args=(i,)) for i in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"{BURST} votes answered in {time.monotonic() - started:.2f} s")

    failures = [answer for answer in answers if not isinstance(answer, Answer)]
    assert not failures, failures
    complete = [answer for answer in answers if isinstance(answer, Answer)]
    statuses = sorted(answer.status for answer in complete)
    print("statuses:", {status: statuses.count(status) for status in set(statuses)})
    first = [a for a in complete if a.status == 201 and a.headers["Idempotent-Replayed"] is None]
    replays = [a for a in complete if a.headers["Idempotent-Replayed"] == "true"]
    in_progress = [a for a in complete if a.status == 409]
    assert len(first) == 1
    assert len(first) + len(replays) + len(in_progress) == BURST
    assert all(a.status == 201 and a.body == first[0].body for a in replays)
    assert all(orjson.loads(a.body)["error"]["code"] == "request_in_progress" for a in in_progress)
    assert PollVote.objects.filter(poll=poll).count() == 1
    assert orjson.loads(first[0].body)["receipt"] == PollVote.objects.get(poll=poll).receipt


def sign_in(port: int, username: str) -> str:
    """The session cookie of `username`, signed in through the login form."""
    form = fetch(port, "GET", "/accounts/login/")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", form.headers["Set-Cookie"] or "")
    csrf_field = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
    assert csrf_cookie and csrf_field, form.body[:500]
    answer = fetch(
        port,
        "POST",
        "/accounts/login/",
        {"Cookie": f"csrftoken={csrf_cookie[1]}", "Content-Type": "application/x-www-form-urlencoded"},
        urlencode(
            {"csrfmiddlewaretoken": csrf_field[1].decode(), "username": username, "password": PASSWORD}
        ).encode(),
    )
    session = re.search(r"sessionid=([^;]+)", ", ".join(answer.headers.get_all("Set-Cookie") or []))
    assert answer.status == 302 and session, (answer.status, answer.body[:500])
    # Plain HTTP on loopback: the cookie is not marked Secure, or the browser would never send it back.
    assert "Secure" not in [c for c in answer.headers.get_all("Set-Cookie") or [] if "sessionid" in c][0]
    return session[1]


def test_the_secret_key_is_made_once_private_and_kept_across_restarts(
    server: Server, transactional_db: None, resident
) -> None:
    # The tests' own hasher (MD5) is unknown to production settings: a PBKDF2 hash, with few rounds.
    resident.password = PBKDF2PasswordHasher().encode(PASSWORD, "production", iterations=1000)
    resident.save(update_fields=["password"])
    key_file = server.data_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes()
    session = sign_in(server.port, resident.username)
    signed_in = {"Cookie": f"sessionid={session}", "Accept-Language": "en"}
    assert fetch(server.port, "GET", "/notifications/", signed_in).status == 200

    server.stop()
    server.start()

    assert key_file.read_bytes() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The session still holds: its hash is signed with the key, and a new key would sign it out.
    assert fetch(server.port, "GET", "/notifications/", signed_in).status == 200
