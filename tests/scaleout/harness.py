"""Real processes for the scale-out suites: gunicorn web processes and a Celery worker on the test database.

Each process runs in its own process group (so a kill takes its children with it), logs to a file,
and is stopped at teardown whatever happened. See docs/testing.md, "Crash and load suites".
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Production settings with two test-only changes (see settings.py next to this file).
SETTINGS = "tests.scaleout.settings"
REDIS_HOST = os.environ.get("SCALEOUT_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("SCALEOUT_REDIS_PORT", "6379"))
CLAIM_SECONDS = 15 * 60


def write_figures(name: str, text: str) -> None:
    """Keep a run's figures in var/scaleout/ (under xdist, -s does not show what a test prints)."""
    directory = ROOT / "var" / "scaleout"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text + "\n")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_url() -> str:
    """The URL of the database this test process uses now: pytest-django's test database.

    Called after the `transactional_db` fixture has run, `connection.settings_dict` names the test
    database (test_veche_<pid>, with xdist's _gwN suffix) rather than the configured one.
    """
    db = connection.settings_dict
    name = str(db["NAME"])
    if connection.vendor == "sqlite":
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError("The scale-out suites need the SQLite test database in a file.")
        return f"sqlite:///{Path(name).resolve()}"
    if connection.vendor == "postgresql":
        credentials = quote(str(db["USER"] or ""), safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(str(db["PASSWORD"]), safe="")
        host = db["HOST"] or "127.0.0.1"
        port = f":{db['PORT']}" if db["PORT"] else ""
        at = f"{credentials}@" if credentials else ""
        return f"postgres://{at}{host}{port}/{quote(name, safe='')}"
    raise RuntimeError(f"No scale-out support for {connection.vendor}.")


@contextlib.contextmanager
def redis_database() -> Iterator[int]:
    """A Redis database number nobody else uses now, emptied before and after.

    Parallel runs (xdist workers, other checkouts) claim a number with SET NX in database 0; the claim
    expires on its own if a run dies without releasing it.
    """
    admin = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=0)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    for number in range(15, 0, -1):
        key = f"veche:scaleout:db:{number}"
        if not admin.set(key, token, nx=True, ex=CLAIM_SECONDS):
            continue
        own = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
        if own.dbsize():
            # Used by someone who does not claim numbers: leave it alone (the claim expires).
            continue
        try:
            yield number
        finally:
            own.flushdb()
            if admin.get(key) == token.encode():
                admin.delete(key)
        return
    raise RuntimeError("No free Redis database (1-15) for the scale-out suites.")


class Process:
    """One service: a command in its own process group, logging to a file, restartable."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("ab")
        log.write(f"\n===== start {self.starts}: {' '.join(self.argv)}\n".encode())
        log.flush()
        self.popen = subprocess.Popen(  # noqa: S603 - our own fixed command lines
            self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        """SIGKILL the whole group: a crash, with no chance to finish or clean up."""
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            self.popen.wait()
        self._reap_group()

    def stop(self, grace: float = 5) -> None:
        if self.popen is None:
            return
        self.signal_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(grace)
        self.signal_group(signal.SIGKILL)
        self.popen.wait()
        self._reap_group()

    def _reap_group(self) -> None:
        # Children outlive a killed parent for a moment; wait until the group is gone.
        assert self.popen is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.popen.pid, signal.SIGKILL)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def is_ready(self) -> bool:
        raise NotImplementedError

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"{self.name} exited:\n{self.log()[-4000:]}")
            if self.is_ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} was not ready in {timeout} s:\n{self.log()[-4000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Web(Process):
    def __init__(self, name: str, env: dict[str, str], log_dir: Path, workers: int) -> None:
        self.port = free_port()
        argv = [
            str(BIN / "gunicorn"),
            "veche.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            # Import Django once in the master, not in each worker: a restart after a kill is quicker.
            "--preload",
            # A loaded machine and SQLite's one writer make some requests slow; not a crash.
            "--timeout",
            "120",
            "--graceful-timeout",
            "2",
            # Each process would otherwise claim the one ~/.gunicorn/gunicorn.ctl.
            "--no-control-socket",
        ]
        super().__init__(name, argv, env, log_dir)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False


class Worker(Process):
    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        argv = [
            str(BIN / "celery"),
            "-A",
            "veche",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--hostname",
            f"{name}-{secrets.token_hex(3)}@scaleout",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            # Take one task at a time: a kill then leaves at most that one unacknowledged.
            "--prefetch-multiplier",
            "1",
            "-O",
            "fair",
        ]
        super().__init__(name, argv, env, log_dir)

    def is_ready(self) -> bool:
        text = self.log()
        return " ready." in text[text.rfind(f"===== start {self.starts}:") :]


class Cluster:
    """N web processes and a worker sharing the test database, one Redis database and a data dir."""

    def __init__(self, *, webs: int, web_workers: int, redis_db: int, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.log_dir = data_dir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.mail_dir = data_dir / "mail"
        redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{redis_db}"
        self.redis = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=redis_db)
        self.env = {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "HOME": os.environ.get("HOME", str(data_dir)),
            "LANG": "C.UTF-8",
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": test_database_url(),
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "VECHE_DATA_DIR": str(data_dir),
            "SCALEOUT_MAIL_DIR": str(self.mail_dir),
        }
        self.webs = [Web(f"web{i}", self.env, self.log_dir, web_workers) for i in range(webs)]
        self.worker = Worker("worker", self.env, self.log_dir)

    @property
    def processes(self) -> list[Process]:
        return [*self.webs, self.worker]

    @property
    def urls(self) -> list[str]:
        return [web.url for web in self.webs]

    def start(self) -> None:
        for process in self.processes:
            process.start()
        self.wait_ready()

    def crash(self, process: Process) -> None:
        """SIGKILL the process and start it again, without waiting for it to be ready."""
        process.kill()
        process.start()

    def wait_ready(self) -> None:
        for process in self.processes:
            process.wait_ready()

    def stop(self) -> None:
        for process in self.processes:
            process.signal_group(signal.SIGTERM)
        for process in self.processes:
            process.stop()

    def queued_tasks(self) -> int:
        """Messages waiting in the broker, and taken but not acknowledged ones (acks_late)."""
        return int(self.redis.llen("celery")) + int(self.redis.hlen("unacked"))

    def logs(self) -> str:
        return "\n".join(f"----- {p.name} ({p.log_path})\n{p.log()[-20000:]}" for p in self.processes)


@contextlib.contextmanager
def cluster(*, webs: int = 2, web_workers: int = 2, keep_logs_on: Any = None) -> Iterator[Cluster]:
    """Start the cluster; always stop it. `keep_logs_on()` true at the end prints the logs."""
    data_dir = Path(tempfile.mkdtemp(prefix="veche-scaleout-"))
    with redis_database() as number:
        running = Cluster(webs=webs, web_workers=web_workers, redis_db=number, data_dir=data_dir)
        failed = True
        try:
            running.start()
            yield running
            failed = False
        finally:
            running.stop()
            if failed or (keep_logs_on is not None and keep_logs_on()):
                print(f"\n===== scale-out process logs\n{running.logs()}")
            shutil.rmtree(data_dir, ignore_errors=True)
