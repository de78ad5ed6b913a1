"""Throw-away PostgreSQL clusters for the replica suite: a primary with wal_level=logical and a
replica subscribed to it, each in its own temporary directory, on a free port, with its unix socket
in that directory. The shared cluster on 5432 is never touched (its wal_level is `replica`)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

BIN = Path(os.environ.get("VECHE_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "veche"
PUBLICATION = "veche_all"
SUBSCRIPTION = "veche_replica"


def missing() -> str:
    """Why the clusters cannot start here, or "" when they can."""
    for tool in ("initdb", "pg_ctl", "pg_dump", "psql"):
        if not (BIN / tool).exists():
            return f"{BIN / tool} is not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser, and PostgreSQL refuses to run as root"
    return ""


def _as_server_user(command: list[str]) -> list[str]:
    # The server refuses to run as root: run it, and initdb, as the postgres OS user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], **options: Any) -> bytes:
    done = subprocess.run(command, capture_output=True, check=False, **options)  # noqa: S603 - our own tools
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(command)}: {done.stderr.decode(errors='replace')[-3000:]}")
    return bytes(done.stdout)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    def __init__(self, root: Path, name: str, settings: dict[str, str]) -> None:
        self.directory = root / name
        self.port = _free_port()
        self.settings = settings
        self.running = False

    def start(self) -> None:
        data = self.directory / "data"
        _run(
            _as_server_user(
                [
                    str(BIN / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                    "--no-instructions",
                ]
            )
        )
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.directory}'",
            # Throw-away data: no need to survive a crash, so no flushing to disk.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            **self.settings,
        }
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        _run(
            _as_server_user(
                [
                    str(BIN / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(self.directory / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            )
        )
        self.running = True
        self.execute("postgres", f"CREATE DATABASE {DATABASE}")

    def stop(self) -> None:
        if not self.running:
            return
        self.running = False
        subprocess.run(  # noqa: S603 - our own tools
            _as_server_user(
                [str(BIN / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "stop"]
            ),
            check=False,
            capture_output=True,
        )

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = DATABASE) -> str:
        return f"host=127.0.0.1 port={self.port} dbname={database} user=postgres"

    def execute(self, database: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.dsn(database), autocommit=True) as connection:
            cursor = connection.execute(statement.encode(), params)
            return cursor.fetchall() if cursor.description else []

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def wait_for(condition: Any, what: str, timeout: float = 30.0) -> float:
    """Poll `condition()` until it is true; the seconds it took. Fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(0.1)
    return time.monotonic() - started


@contextmanager
def two_clusters() -> Iterator[tuple[Cluster, Cluster]]:
    """(primary, replica), each with its directory and port, not started yet (`start` them); stopped
    and removed after."""
    root = Path(tempfile.mkdtemp(prefix="veche-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    primary = Cluster(
        root, "primary", {"wal_level": "logical", "max_wal_senders": "4", "max_replication_slots": "4"}
    )
    replica = Cluster(
        root,
        "replica",
        {
            "max_logical_replication_workers": "6",
            "max_sync_workers_per_subscription": "4",
            "max_worker_processes": "10",
        },
    )
    for cluster in (primary, replica):
        cluster.directory.mkdir()
        if os.geteuid() == 0:
            shutil.chown(cluster.directory, "postgres", "postgres")
    try:
        yield primary, replica
    finally:
        for cluster in (replica, primary):
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def start(*started: Cluster) -> None:
    """Start the clusters side by side (initdb and the first start spend most of their time waiting)."""
    with ThreadPoolExecutor(len(started)) as pool:
        for done in [pool.submit(cluster.start) for cluster in started]:
            done.result()


def copy_database(source: dict[str, Any], target: Cluster) -> None:
    """Every table and row of the database Django's `source` settings name, into `target`."""
    host, port = source["HOST"] or "127.0.0.1", source["PORT"] or 5432
    dsn = f"host={host} port={port} dbname={source['NAME']} user={source['USER']}"
    env = {**os.environ, "PGPASSWORD": source["PASSWORD"] or ""}
    dump = _run([str(BIN / "pg_dump"), "--no-owner", "--no-privileges", "-d", dsn], env=env)
    _restore(dump, target)


def _restore(sql: bytes, target: Cluster) -> None:
    _run([str(BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", target.dsn()], input=sql)


def copy_schema(primary: Cluster, replica: Cluster) -> None:
    """The primary's tables, without their rows, created on the replica: logical replication copies
    rows, never DDL, and the subscription's first copy fills empty tables."""
    schema = _run(
        [str(BIN / "pg_dump"), "--schema-only", "--no-owner", "--no-privileges", "-d", primary.dsn()]
    )
    _restore(schema, replica)


def subscribe(primary: Cluster, replica: Cluster) -> None:
    """Publish every table of the primary and subscribe the replica to it (the rows there now are
    copied first)."""
    primary.execute(DATABASE, f"CREATE PUBLICATION {PUBLICATION} FOR ALL TABLES")
    replica.execute(
        DATABASE, f"CREATE SUBSCRIPTION {SUBSCRIPTION} CONNECTION '{primary.dsn()}' PUBLICATION {PUBLICATION}"
    )


def tables_synced(replica: Cluster) -> bool:
    """Whether the subscription's first copy of every table is done (every table 'r'eady)."""
    states = replica.execute(DATABASE, "SELECT srsubstate FROM pg_subscription_rel")
    return bool(states) and all(state == "r" for (state,) in states)


def set_subscription(replica: Cluster, *, enabled: bool) -> None:
    replica.execute(DATABASE, f"ALTER SUBSCRIPTION {SUBSCRIPTION} {'ENABLE' if enabled else 'DISABLE'}")


def apply_worker_running(replica: Cluster) -> bool:
    rows = replica.execute(
        DATABASE, "SELECT pid FROM pg_stat_subscription WHERE subname = %s AND relid IS NULL", (SUBSCRIPTION,)
    )
    return bool(rows) and rows[0][0] is not None
