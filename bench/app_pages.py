"""The installable app on a phone: first render and bytes of four pages, before and after, same run.

    .venv/bin/python bench/app_pages.py [--rounds 3] [--before REV] [--quick]
                                        [--only TEXT] [--keep]

"After" is the checkout this script is in: its src/ is copied when the run starts (uncommitted
changes included), so that a commit landing meanwhile changes nothing served. "Before" is REV (by
default e57bc5e~1, the commit before the installable app), checked out with `git worktree add
--detach` into the run's temporary directory and removed at the end. The run builds a fresh SQLite
database there (migrated by the after code; the installable app added no table, and the before
code ignores any it does not know): the demo municipalities (`municipalities/demo.py`: Moscow with
its districts, departments, categories and people), `veche seed-reports --count 300 --municipality
moscow`, and one report filed and moderated through the services with two camera-sized photos (the
report page measured). Each checkout is served from that one database file by its own gunicorn
(`veche.gunicorn_conf`, 1 worker with 4 threads) with settings.local as `make run` serves it (DEBUG
off, WhiteNoise serving what `collectstatic` put into the checkout's own STATIC_ROOT), behind a
small TCP relay of this script that counts the bytes both ways.

Chromium (Debian's, /usr/bin/chromium, through Playwright's sync API, with the browser tests' flags
and no host but 127.0.0.1 resolvable, so the map's tiles fail at once instead of reaching the
internet) opens each page as a Russian phone: 360 x 740, device scale factor 2, mobile, touch,
locale ru-RU, signed in as resident1 (a verified resident of Moscow). Every visit is throttled as
Lighthouse's slow 4G through the DevTools protocol: `Network.emulateNetworkConditions` (150 ms
latency, 1.6 Mbit/s down, 750 kbit/s up) and `Emulation.setCPUThrottlingRate` 4x on the tab, and
the same network conditions on the site's service worker (see `Anchor`: a page's conditions do not
reach the fetches of the worker that serves it; a worker's CPU cannot be slowed, Chromium answers
"Operation is only supported for pages, not workers"). States, each page in a fresh browser
context per round:

- first visit: a fresh context (empty HTTP cache). After, the worker installs during it: its bytes
  include the install (the app shell it fetches), counted once the worker controls the tab;
- repeat visit: a new tab in the same context (HTTP cache warm; after: through the worker, counted
  once it has kept the page);
- offline: a new tab with the context, its tabs and its worker offline. Before, expected to fail;
  after, the page must come from the device.

A visit's bytes are read once nothing has crossed the relay for `--quiet` seconds (4): the
browser checks the worker for an update (GET /sw.js, made by the browser itself) 2-4 s after each
navigation through it, and that belongs to the visit. DevTools' offline does not stop that check,
so an offline visit of after still shows it on the wire; a phone without a connection would not
send it.

Figures per visit: first contentful paint (`performance.getEntriesByType('paint')`), the end of
DOMContentLoaded (`domContentLoadedEventEnd`) and the load event (`loadEventStart`), from the
navigation's start; "page KB" and "page requests", the sum of `transferSize` over the navigation
and resource entries and their number (the page's own requests as the page sees them, up to its
load); "wire KB" and "wire requests", what the relay carried (HTTP headers and bodies of every
request of the context, the worker's included; TCP/IP overhead not counted). `--rounds` rounds,
alternating which checkout goes first; the table gives medians and the ratios after / before:
after's first visit to before's, after's repeat visit to before's, after's offline visit to
before's repeat visit (the nearest thing before can do).

Then the checks, each printed PASS or FAIL (the exit code is 1 if any fails), on the after server
without throttling: installability (the municipality's page links a manifest; it has name,
short_name, start_url and display standalone or fullscreen; its PNG icons include 192 and 512 and
each loads with the size it claims; a service worker controls the page; the start URL answers 200
offline from the worker) and offline (each measured page, opened online once the worker controls
the context, answers 200 offline from the worker, marked as the device's copy; an unvisited page
answers 200 offline with the /offline/ page).
"""

# The processes run are git on this checkout, Chromium, and `python -m veche` / `python -m gunicorn`
# with this script's own arguments.
# ruff: noqa: S603, S607
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / "peers"
# The servers' settings: settings.local, as `make run` serves.
SERVER_SETTINGS = ["veche.settings.local"]
BEFORE_DEFAULT = "e57bc5e~1"  # the installable app's commit is e57bc5e
SLUG = "moscow"
REPORTS = 300
SECRET_KEY = "bench-app-pages-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"  # noqa: S105 - throw-away
CHROMIUM = "/usr/bin/chromium"
# The browser tests' flags (tests/e2e/conftest.py), and no host but this machine: the map's tiles
# fail at once instead of going to the internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "ru-RU",
}
# Lighthouse's slow 4G (its "mobile" throttling): 150 ms, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x.
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
    "connectionType": "cellular4g",
}
CPU_SLOWDOWN = 4
VERBOSE = False  # --verbose: every visit's request lines, as the relay saw them
TIMEOUT_MS = 60_000
QUIET_S = [4.0]  # a visit's bytes are read once nothing has crossed the relay for this long (--quiet)
STATES = ["first visit", "repeat visit", "offline"]
COMPARED = {"first visit": "first visit", "repeat visit": "repeat visit", "offline": "repeat visit"}

METRICS_JS = """async () => {
  const fcp = await new Promise((resolve) => {
    const seen = () => performance.getEntriesByName('first-contentful-paint')[0];
    if (seen()) { resolve(seen().startTime); return; }
    new PerformanceObserver(() => { if (seen()) { resolve(seen().startTime); } })
      .observe({type: 'paint', buffered: true});
    setTimeout(() => resolve(seen() ? seen().startTime : null), 15000);
  });
  const nav = performance.getEntriesByType('navigation')[0];
  const entries = [nav, ...performance.getEntriesByType('resource')];
  return {
    fcp: fcp,
    dcl: nav.domContentLoadedEventEnd,
    load: nav.loadEventStart,
    transfer: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0),
    requests: entries.length,
    worker: nav.workerStart > 0,
  };
}"""
CONTROLLED_JS = "() => !!navigator.serviceWorker && !!navigator.serviceWorker.controller"
KEPT_JS = "([path]) => caches.open('veche-pages').then(c => c.match(path)).then(Boolean)"


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


# --- the relay: bytes both ways -------------------------------------------------------------------


class Relay:
    """A TCP relay on a port of its own in front of one server, counting what crosses it."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.down = self.up = 0
        self.requests: list[str] = []  # the request lines seen since the reset
        self.last = self.since = time.monotonic()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pump, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "down"), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, direction: str) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
                with self.lock:
                    if direction == "down":
                        self.down += len(data)
                    else:
                        self.up += len(data)
                        if data[:4] in (b"GET ", b"POST", b"HEAD", b"PUT ", b"DELE", b"PATC", b"OPTI"):
                            line = data.split(b"\r\n", 1)[0].decode("latin-1").removesuffix(" HTTP/1.1")
                            self.requests.append(f"+{time.monotonic() - self.since:.1f}s {line}")
                    self.last = time.monotonic()
        except OSError:
            pass
        finally:
            with suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
            with suppress(OSError):
                source.close()

    def reset(self) -> None:
        with self.lock:
            self.down = self.up = 0
            self.requests = []
            self.last = self.since = time.monotonic()

    def quiet(self, limit: float = 30.0) -> tuple[int, int]:
        """The bytes (down, up) since the reset, once nothing has crossed for QUIET_S."""
        seconds = QUIET_S[0]
        started = time.monotonic()
        while time.monotonic() - started < limit:
            with self.lock:
                if time.monotonic() - self.last >= seconds:
                    return self.down, self.up
            time.sleep(0.1)
        with self.lock:
            return self.down, self.up

    def close(self) -> None:
        self.listener.close()


# --- the database, the checkouts, the servers -------------------------------------------------


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


@dataclass
class Site:
    """One checkout served: its gunicorn behind a relay."""

    name: str
    tree: Path
    data: Path
    port: int = 0
    relay: Relay | None = None
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def base(self) -> str:
        assert self.relay is not None
        return f"http://127.0.0.1:{self.relay.port}"


def site_env(site: Site, work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "VECHE_"))}
    env.update(
        PYTHONPATH=os.pathsep.join([str(site.tree / "src"), str(PEERS)]),
        DJANGO_SETTINGS_MODULE=SERVER_SETTINGS[0],
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=f"sqlite:///{work / 'veche.sqlite3'}",
        VECHE_DATA_DIR=str(site.data),
        MEDIA_ROOT=str(work / "media"),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",
        GUNICORN_ACCESS_LOG="-",
        GUNICORN_PRELOAD="1",
    )
    return env


def snapshot(tree: Path, into: Path) -> str:
    """A copy of the checkout's src/ as it is now, uncommitted changes included, so that a commit
    landing during the run changes nothing served; says what was copied."""
    head = describe(tree)
    shutil.copytree(tree / "src", into / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return head


def add_worktree(rev: str, path: Path) -> str:
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    subprocess.run(
        ["git", "-C", str(REPO), "worktree", "add", "--detach", str(path), commit],
        check=True,
        capture_output=True,
        text=True,
    )
    return commit


def remove_worktree(path: Path) -> None:
    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)], capture_output=True)
    subprocess.run(["git", "-C", str(REPO), "worktree", "prune"], capture_output=True)


def describe(tree: Path) -> str:
    out = subprocess.run(
        ["git", "-C", str(tree), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no", "--", "src"],
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    changed = f" + uncommitted changes to {len(dirty)} file(s) of src/" if dirty else ""
    return (out[:70] + ("…" if len(out) > 70 else "")) + changed


def collect_static(site: Site, work: Path) -> subprocess.Popen[bytes]:
    site.data.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "veche", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=site.tree,
        env=site_env(site, work),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@dataclass
class Fixture:
    slug: str
    report_path: str
    session: tuple[str, str]  # the session cookie's name and value
    pages: dict[str, str] = field(default_factory=dict)


def camera_jpeg(seed: int) -> bytes:
    """A photo as a phone makes it: 2000 x 1500, smooth shapes with sensor noise (about 1 MB)."""
    from PIL import Image, ImageDraw, ImageFilter

    image = Image.new("RGB", (2000, 1500), (90 + seed * 20, 110, 140))
    draw = ImageDraw.Draw(image)
    for i in range(40):
        x, y = (i * 397 + seed * 131) % 2000, (i * 211 + seed * 71) % 1500
        draw.ellipse((x, y, x + 300, y + 200), fill=((i * 37) % 255, (i * 59) % 255, (i * 83) % 255))
    image = image.filter(ImageFilter.GaussianBlur(6))
    noise = Image.effect_noise((2000, 1500), 18).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def build_database(work: Path, after: Site) -> Fixture:
    """Migrate (the after code's migrations), load the demo municipalities, seed reports, file one
    report with photos through the services, and make resident1's session."""
    os.environ.update(site_env(after, work))
    os.environ["DJANGO_SETTINGS_MODULE"] = "veche.settings.local"  # what the database holds is the same
    os.environ.pop("PYTHONPATH", None)
    import django

    zone = os.environ.get("TZ")
    django.setup()
    # Django set the process's TZ to the site's zone; the progress lines keep the machine's.
    if zone is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = zone
    time.tzset()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    from django.test import Client

    from veche.accounts.models import User
    from veche.municipalities import demo
    from veche.municipalities.models import Category, Municipality
    from veche.reports import services

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.monotonic() - started:.0f} s")
    with transaction.atomic():
        demo.load(io.StringIO())
    call_command("seed-reports", count=REPORTS, municipality=SLUG, stdout=io.StringIO(), stderr=io.StringIO())
    municipality = Municipality.objects.get(slug=SLUG)
    resident = User.objects.get(username="resident1")
    report = services.report_submit(
        author=resident,
        municipality=municipality,
        category=Category.objects.get(municipality=municipality, slug="pothole"),
        latitude=55.7601,
        longitude=37.6201,
        address="Тверская улица, 7",
        description="Глубокая яма на пешеходном переходе у дома 7, в дождь её не видно, люди оступаются.",
        photos=[
            SimpleUploadedFile(f"IMG_{i}.jpg", camera_jpeg(i), content_type="image/jpeg") for i in (1, 2)
        ],
    )
    report = services.report_moderate(moderator=User.objects.get(username=f"{SLUG}-moderator"), report=report)
    services.reports_map_advance()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client()
    client.force_login(resident)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    photos = sum(p.image.size for p in report.photos.all())
    log(
        f"database ready in {time.monotonic() - started:.0f} s: {REPORTS + 1} reports, report "
        f"{report.pk} with 2 photos ({photos // 1024} KB as stored)"
    )
    connections.close_all()
    report_path = f"/m/{SLUG}/reports/{report.pk}/"
    return Fixture(
        slug=SLUG,
        report_path=report_path,
        session=(settings.SESSION_COOKIE_NAME, cookie.value),
        pages={
            "municipality home": f"/m/{SLUG}/",
            "report list": f"/m/{SLUG}/reports/",
            "report form": f"/m/{SLUG}/reports/new/",
            "a report": report_path,
        },
    )


def start_server(site: Site, work: Path) -> None:
    site.port = free_port()
    site.log_path = work / f"{site.name}-gunicorn.log"
    env = site_env(site, work)
    env["GUNICORN_BIND"] = f"127.0.0.1:{site.port}"
    site.process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:veche.gunicorn_conf",
            "veche.wsgi:application",
        ],
        cwd=site.tree,
        env=env,
        stdout=site.log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    site.relay = Relay(site.port)


def wait_ready(site: Site, limit: float = 90.0) -> None:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        assert site.process is not None
        if site.process.poll() is not None:
            raise RuntimeError(f"{site.name}'s server exited; see {site.log_path}")
        health = f"http://127.0.0.1:{site.port}/healthz"
        with suppress(OSError), urllib.request.urlopen(health, timeout=5) as answer:
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{site.name}'s server did not answer in {limit:.0f} s; see {site.log_path}")


def status_of(site: Site, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{site.port}{path}", timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def stop_server(site: Site) -> None:
    if site.relay is not None:
        site.relay.close()
    if site.process is not None and site.process.poll() is None:
        site.process.terminate()
        try:
            site.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            site.process.kill()
            site.process.wait()


# --- the browser ----------------------------------------------------------------------------------


OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


class Anchor:
    """A tab held open for the whole browser context, whose DevTools session gives every service
    worker of the site the network conditions of the visits.

    A page's conditions do not reach the fetches of the worker that serves it (measured here: with
    2 s of latency on the page, a navigation through the worker answered in 70-140 ms), and
    Playwright's CDP sessions reach pages only. A page's session can auto-attach the workers in its
    scope with the older, non-flattened protocol (messages inside Target.sendMessageToTarget; a
    browser-level session may only flatten, which Playwright's CDPSession cannot address), and a
    worker attached while it waits to start gets the conditions before it runs. The anchor is a tab
    of its own (on /healthz, opened before anything is counted) because closing a session clears
    the conditions it set: the visits' tabs come and go, the anchor stays."""

    def __init__(self, context: Any, site: Site, *, throttle: bool = True) -> None:
        self.page = context.new_page()
        self.cdp = context.new_cdp_session(self.page)
        self.throttle = throttle
        self.offline = False
        self.workers: list[str] = []
        self.next_id = 0
        self.pending: dict[int, str] = {}
        self.errors: list[str] = []
        self.cdp.on("Target.attachedToTarget", self._attached)
        self.cdp.on("Target.receivedMessageFromTarget", self._message)
        self.cdp.send(
            "Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": False}
        )
        self.page.goto(site.base + "/healthz")

    def conditions(self) -> dict[str, Any]:
        return OFFLINE if self.offline else SLOW_4G

    def _send(self, session_id: str, method: str, params: dict[str, Any] | None = None) -> None:
        self.next_id += 1
        self.pending[self.next_id] = method
        message = json.dumps({"id": self.next_id, "method": method, "params": params or {}})
        with suppress(Exception):  # the tab or the worker may be gone
            self.cdp.send("Target.sendMessageToTarget", {"sessionId": session_id, "message": message})

    def _attached(self, event: dict[str, Any]) -> None:
        session_id = event["sessionId"]
        if event["targetInfo"]["type"] == "service_worker":
            self.workers.append(session_id)
            if self.throttle or self.offline:
                self._send(session_id, "Network.enable")
                self._send(session_id, "Network.emulateNetworkConditions", self.conditions())
        self._send(session_id, "Runtime.runIfWaitingForDebugger")

    def _message(self, event: dict[str, Any]) -> None:
        message = json.loads(event["message"])
        method = self.pending.pop(message.get("id", -1), None)
        if method is not None and "error" in message:
            self.errors.append(f"{method}: {message['error'].get('message')}")

    def go_offline(self, context: Any) -> None:
        """The context and its workers offline (Playwright's own `set_offline` and, since the last
        conditions set win, the anchor's for the workers too); answered before it returns."""
        context.set_offline(True)
        self.offline = True
        for session_id in self.workers:
            self._send(session_id, "Network.enable")
            self._send(session_id, "Network.emulateNetworkConditions", OFFLINE)
        waited = 0
        while self.pending and waited < 100:
            self.page.wait_for_timeout(50)
            waited += 1


@dataclass
class Visit:
    fcp: float | None = None
    dcl: float | None = None
    load: float | None = None
    transfer: int = 0
    wire_down: int = 0
    wire_up: int = 0
    wire_requests: int = 0
    requests: int = 0
    status: int | None = None
    from_worker: bool = False
    copy: bool = False  # the body says it is the device's copy (data-offline-copy)
    failed: str = ""


def new_context(browser: Any, site: Site, fixture: Fixture) -> Any:
    context = browser.new_context(**PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    name, value = fixture.session
    context.add_cookies([{"name": name, "value": value, "url": site.base}])
    return context


def visit(
    context: Any, site: Site, path: str, *, offline: bool = False, settle: bool = True
) -> tuple[Visit, Any, Any]:
    """Open `path` in a new tab of `context`, throttled (and offline if asked: conditions set here
    replace the ones Playwright's `set_offline` gave the tab). The tab and its DevTools session stay
    open, since a detached session drops its conditions; the caller closes both."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {**SLOW_4G, "offline": offline})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    assert site.relay is not None
    site.relay.reset()
    result = Visit()
    try:
        response = page.goto(site.base + path, wait_until="load", timeout=TIMEOUT_MS)
    except Exception as error:
        result.failed = str(error).splitlines()[0]
        return result, page, cdp
    if response is not None:
        result.status = response.status
        result.from_worker = bool(response.from_service_worker)
    figures = page.evaluate(METRICS_JS)
    result.fcp, result.dcl, result.load = figures["fcp"], figures["dcl"], figures["load"]
    result.transfer, result.requests = int(figures["transfer"]), int(figures["requests"])
    result.from_worker = result.from_worker or bool(figures["worker"])
    if settle:
        settled(result, site)
    return result, page, cdp


def settled(result: Visit, site: Site) -> None:
    """The relay's figures once it is quiet."""
    assert site.relay is not None
    result.wire_down, result.wire_up = site.relay.quiet()
    result.wire_requests = len(site.relay.requests)
    if VERBOSE:
        log(f"    {site.name}: {', '.join(site.relay.requests) or 'nothing'}")


def close(page: Any, cdp: Any) -> None:
    with suppress(Exception):
        cdp.detach()
    page.close()


def waited(page: Any, script: str, arg: Any, failure: str, timeout: int = 30_000) -> bool:
    try:
        page.wait_for_function(script, arg=arg, timeout=timeout)
    except Exception:
        log(f"    {failure} after {timeout // 1000} s")
        return False
    return True


def measure_page(browser: Any, site: Site, fixture: Fixture, path: str, app: bool) -> dict[str, Visit]:
    """The three states of one page on one site, in one fresh context."""
    context = new_context(browser, site, fixture)
    anchor = Anchor(context, site)
    results: dict[str, Visit] = {}
    assert site.relay is not None
    try:
        first, page, cdp = visit(context, site, path, settle=not app)
        if app and not first.failed:
            # The worker installs during the first visit: its bytes count, so wait until it controls
            # the tab and then for the relay to be quiet.
            app = waited(page, CONTROLLED_JS, None, "no service worker controls the tab")
            settled(first, site)
        close(page, cdp)
        results["first visit"] = first
        repeat, page, cdp = visit(context, site, path, settle=not app)
        if app and not repeat.failed:
            waited(page, KEPT_JS, [path], f"{path} was not kept by the worker")
            settled(repeat, site)
        close(page, cdp)
        results["repeat visit"] = repeat
        anchor.go_offline(context)
        offline, page, cdp = visit(context, site, path, offline=True)
        if not offline.failed:
            offline.copy = page.get_attribute("body", "data-offline-copy") is not None
        if site.relay.requests:
            log(f"    offline, yet the relay carried: {', '.join(site.relay.requests)}")
        close(page, cdp)
        results["offline"] = offline
        if anchor.errors:
            log(f"    DevTools errors on the workers: {sorted(set(anchor.errors))}")
        if app and not anchor.workers:
            log("    no service worker was attached to the anchor: its fetches were not throttled")
    finally:
        context.close()
    return results


# --- the checks -----------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def server_error(site: Site, status: int) -> str:
    """The last line of the server's log that names an exception, to say why it answered `status`."""
    assert site.log_path is not None
    lines = site.log_path.read_text(errors="replace").splitlines()
    found = [line for line in lines if "Error:" in line or "Exception:" in line]
    return f"the server's log: {found[-1].strip()}" if found else f"see {site.log_path}"


def png_size(body: bytes) -> str:
    from PIL import Image

    with Image.open(io.BytesIO(body)) as image:
        return f"{image.width}x{image.height}" if image.format == "PNG" else f"not a PNG ({image.format})"


def run_checks(browser: Any, site: Site, fixture: Fixture) -> list[Check]:
    from django.utils import translation

    checks: list[Check] = []
    context = new_context(browser, site, fixture)
    anchor = Anchor(context, site, throttle=False)
    page = context.new_page()
    try:
        home = fixture.pages["municipality home"]
        page.goto(site.base + home)
        href = page.get_attribute("link[rel=manifest]", "href")
        checks.append(Check("installable: the page links a manifest", bool(href), f"{home} links {href}"))
        manifest: dict[str, Any] = {}
        if href:
            answer = page.request.get(site.base + href)
            with suppress(ValueError):
                manifest = answer.json() if answer.ok else {}
        missing = [key for key in ("name", "short_name", "start_url") if not manifest.get(key)]
        display = manifest.get("display")
        checks.append(
            Check(
                "installable: name, short_name, start_url, display standalone or fullscreen",
                not missing and display in ("standalone", "fullscreen"),
                f"name {manifest.get('name')!r}, short_name {manifest.get('short_name')!r}, "
                f"start_url {manifest.get('start_url')!r}, display {display!r}"
                + (f"; missing {', '.join(missing)}" if missing else ""),
            )
        )
        pngs = [icon for icon in manifest.get("icons", []) if icon.get("type") == "image/png"]
        found, wrong = set(), []
        for icon in pngs:
            answer = page.request.get(site.base + icon["src"])
            got = png_size(answer.body()) if answer.ok else f"status {answer.status}"
            if got == icon.get("sizes"):
                found.add(got)
            else:
                wrong.append(f"{icon['src']}: says {icon.get('sizes')}, is {got}")
        checks.append(
            Check(
                "installable: PNG icons of 192 and 512 load and have those sizes",
                {"192x192", "512x512"} <= found and not wrong,
                f"{len(pngs)} PNG icons, sizes {', '.join(sorted(found)) or 'none'}"
                + (f"; wrong: {'; '.join(wrong)}" if wrong else ""),
            )
        )
        controlled = True
        try:
            page.wait_for_function(CONTROLLED_JS, timeout=30_000)
        except Exception:
            controlled = False
        script = page.evaluate(
            "() => navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL"
        )
        worker_url = page.get_attribute("body", "data-worker")
        said = f"controller {script}"
        if worker_url:
            answer = page.request.get(site.base + worker_url)
            said += f"; the page registers {worker_url}, which answers {answer.status}"
            if not answer.ok:
                said += f" ({server_error(site, answer.status)})"
        checks.append(Check("installable: a service worker controls the page", controlled, said))

        # Online, once controlled: the start URL and each measured page, through the worker.
        start_url = manifest.get("start_url") or home
        wanted = list(dict.fromkeys([start_url, *fixture.pages.values()]))
        for path in wanted:
            page.goto(site.base + path)
            with suppress(Exception):
                page.wait_for_function(KEPT_JS, arg=[path], timeout=20_000)
        anchor.go_offline(context)

        def offline_open(path: str) -> tuple[int | None, bool, bool, str]:
            """Status, from the worker, marked as the device's copy, and the h1 (or the failure)."""
            try:
                response = page.goto(site.base + path)
            except Exception as error:
                return None, False, False, "failed: " + str(error).splitlines()[0].removeprefix("Page.goto: ")
            copy = page.get_attribute("body", "data-offline-copy") is not None
            h1 = "h1 " + repr((page.text_content("h1") or "").strip()[:50])
            return (
                (response.status if response else None),
                bool(response and response.from_service_worker),
                copy,
                h1,
            )

        status, worker, copy, _ = offline_open(start_url)
        checks.append(
            Check(
                "installable: the start URL answers 200 offline from the worker",
                status == 200 and worker,
                f"{start_url}: status {status}, from the service worker: {worker}",
            )
        )
        for name, path in fixture.pages.items():
            status, worker, copy, h1 = offline_open(path)
            checks.append(
                Check(
                    f"offline: {name} opens from the device",
                    status == 200 and worker and copy,
                    f"{path}: status {status}, from the service worker: {worker}, "
                    f"marked as the device's copy: {copy}, {h1}",
                )
            )
        unvisited = f"/m/{fixture.slug}/polls/"
        with translation.override("ru"):
            expected = translation.gettext("No connection")
        status, worker, copy, h1 = offline_open(unvisited)
        checks.append(
            Check(
                "offline: an unvisited page answers with /offline/",
                status == 200 and worker and h1 == f"h1 {expected!r}",
                f"{unvisited}: status {status}, from the service worker: {worker}, {h1} "
                f"(the offline page's: {expected!r})",
            )
        )
    finally:
        context.close()
    return checks


# --- the table ------------------------------------------------------------------------------------


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def kb(value: float | None) -> str:
    return "-" if value is None else f"{value / 1024:,.1f}"


def ratio(after: float | None, before: float | None) -> str:
    if after is None or before is None or before == 0:
        return "-"
    return f"{after / before:.2f}x"


@dataclass
class Row:
    page: str
    site: str
    state: str
    visits: list[Visit]

    def figure(self, name: str) -> float | None:
        ok = [v for v in self.visits if not v.failed and v.status == 200]
        if not ok:
            return None
        return median([getattr(v, name) for v in ok])

    @property
    def outcome(self) -> str:
        failed = [v for v in self.visits if v.failed or v.status != 200]
        if not failed:
            n = len(self.visits)
            worker, copy = sum(v.from_worker for v in self.visits), sum(v.copy for v in self.visits)
            said = [] if not worker else ["worker" if worker == n else f"{worker}/{n} by the worker"]
            said += [] if not copy else ["device's copy" if copy == n else f"{copy}/{n} the device's copy"]
            return "200" + (f" ({', '.join(said)})" if said else "")
        first = failed[0]
        reason = (
            first.failed.removeprefix("Page.goto: ").split(" at ")[0]
            if first.failed
            else f"status {first.status}"
        )
        return f"fails {len(failed)}/{len(self.visits)}: {reason}"


def table(rows: list[Row]) -> str:
    lines = [
        "| page | state | site | FCP ms | DCL ms | load ms | page KB | page requests | wire KB down "
        "| wire KB up | wire requests | answer | FCP after/before | load after/before | wire after/before |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    by_key = {(r.page, r.site, r.state): r for r in rows}
    for r in rows:
        ratios = ["", "", ""]
        if r.site == "after":
            base = by_key[(r.page, "before", COMPARED[r.state])]
            ratios = [
                ratio(r.figure("fcp"), base.figure("fcp")),
                ratio(r.figure("load"), base.figure("load")),
                ratio(r.figure("wire_down"), base.figure("wire_down")) if r.state != "offline" else "-",
            ]
        lines.append(
            f"| {r.page} | {r.state} | {r.site} | {ms(r.figure('fcp'))} | {ms(r.figure('dcl'))} "
            f"| {ms(r.figure('load'))} | {kb(r.figure('transfer'))} | {ms(r.figure('requests'))} "
            f"| {kb(r.figure('wire_down'))} | {kb(r.figure('wire_up'))} | {ms(r.figure('wire_requests'))} "
            f"| {r.outcome} | " + " | ".join(ratios) + " |"
        )
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------------


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="veche-bench-app-"))
    try:
        yield work
    finally:
        if keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--before", default=BEFORE_DEFAULT, help="the commit served as 'before' (default %(default)s)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every page and state (medians)")
    parser.add_argument("--quick", action="store_true", help="one round: a smoke run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, logs)")
    parser.add_argument("--only", default="", help="measure only the pages whose name contains this text")
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--verbose", action="store_true", help="log the requests of every visit")
    parser.add_argument(
        "--quiet", type=float, default=QUIET_S[0], help="seconds without traffic that end a visit's count"
    )
    args = parser.parse_args()
    QUIET_S[0] = args.quiet
    global VERBOSE
    VERBOSE = args.verbose
    # This process imports the after code (the database is built with it), whatever PYTHONPATH says.
    sys.path.insert(0, str(REPO / "src"))
    rounds = 1 if args.quick else args.rounds
    load_at_start = os.getloadavg()
    started = time.monotonic()

    with workspace(args.keep) as work:
        after = Site("after", work / "after-tree", work / "after")
        before = Site("before", work / "before-tree", work / "before")
        log(f"work directory {work}")
        after_head = snapshot(REPO, after.tree)
        # This process imports the after code (the database is built with it), whatever PYTHONPATH says.
        sys.path.insert(0, str(after.tree / "src"))
        commit = add_worktree(args.before, before.tree)
        try:
            log(f"before: {describe(before.tree)} (worktree {before.tree})")
            log(f"after:  {after_head} (src/ copied from {REPO})")
            collecting = [collect_static(site, work) for site in (before, after)]
            fixture = build_database(work, after)
            for site, process in zip((before, after), collecting, strict=True):
                _, err = process.communicate()
                if process.returncode:
                    raise RuntimeError(f"collectstatic of {site.name} failed:\n{err.decode()[-2000:]}")
            log("static files collected for both")
            for site in (before, after):
                start_server(site, work)
            for site in (before, after):
                wait_ready(site)
                log(
                    f"{site.name} served on {site.base} (gunicorn on :{site.port}); /sw.js answers "
                    f"{status_of(site, '/sw.js')}, {fixture.pages['municipality home']} "
                    f"{status_of(site, fixture.pages['municipality home'])}"
                )
            rows, checks = run_browser(args, rounds, fixture, before, after)
        finally:
            for site in (before, after):
                stop_server(site)
            remove_worktree(before.tree)
            log("servers stopped, the before worktree removed")

    load_at_end = os.getloadavg()
    command = " ".join(["python", "bench/app_pages.py", *sys.argv[1:]])
    print(
        f"\n{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {chromium_version(args.chromium)}; `{command}`"
    )
    print(f"before: {commit[:7]} ({args.before}); after: {after_head}, src/ copied at the start")
    print(f"servers' settings: {SERVER_SETTINGS[0]} (gunicorn, 1 worker x 4 threads, DEBUG off, WhiteNoise)")
    print(
        f"phone 360x740 @2x, ru-RU, signed in; slow 4G by CDP (150 ms, 1.6 Mbit/s down, 750 kbit/s up), "
        f"CPU {CPU_SLOWDOWN}x; medians of {rounds} round(s); load average "
        f"{'/'.join(f'{x:.2f}' for x in load_at_start)} at the start, "
        f"{'/'.join(f'{x:.2f}' for x in load_at_end)} at the end; {time.monotonic() - started:.0f} s in all\n"
    )
    print(table(rows))
    print()
    for check in checks:
        print(f"{'PASS' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
    return 0 if checks and all(c.ok for c in checks) else 1


def chromium_version(path: str) -> str:
    with suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
        return " ".join(out.split()[:2])
    return path


def brief(v: Visit) -> str:
    if v.failed:
        return v.failed[:60]
    worker = " sw" if v.from_worker else ""
    return f"{v.status}{worker} FCP {ms(v.fcp)} load {ms(v.load)} ms {kb(v.wire_down)} KB"


def run_browser(
    args: Any, rounds: int, fixture: Fixture, before: Site, after: Site
) -> tuple[list[Row], list[Check]]:
    # Playwright's sync API runs an event loop in this thread; Django is only read from here on.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    visits: dict[tuple[str, str, str], list[Visit]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            for round_no in range(rounds):
                order = (before, after) if round_no % 2 == 0 else (after, before)
                for name, path in fixture.pages.items():
                    if args.only not in name:
                        continue
                    for site in order:
                        found = measure_page(browser, site, fixture, path, app=site is after)
                        for state, v in found.items():
                            visits.setdefault((name, site.name, state), []).append(v)
                        log(
                            f"round {round_no + 1}/{rounds} {name} {site.name}: "
                            + "; ".join(f"{state} {brief(v)}" for state, v in found.items())
                        )
            log("checks (after, no throttling)")
            checks = run_checks(browser, after, fixture)
        finally:
            browser.close()
    rows = [
        Row(name, site, state, visits[(name, site, state)])
        for name in fixture.pages
        if args.only in name
        for state in STATES
        for site in ("before", "after")
    ]
    return rows, checks


if __name__ == "__main__":
    sys.exit(main())
