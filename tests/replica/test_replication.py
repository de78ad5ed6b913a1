"""A real read replica: two throw-away PostgreSQL clusters kept in sync by logical replication, and
the site run against them (DATABASE_URL = primary, DATABASE_REPLICA_URL = replica). Writes land on
the primary and reach the replica; with the subscription stopped, the analytics pages, the open
data and the analytics API show the replica's (older) state while the municipality's own page
shows the primary's; started again, the replica catches up and they agree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from tests.replica import clusters
from tests.replica.scenario import DEFAULT_PATHS, REPLICA_PATHS, SLUG

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    # Two clusters and a Django process: 73 s measured on 2 cores at a load average of 24.
    pytest.mark.replica,
    # The test database of this run, migrated, is what the primary starts from.
    pytest.mark.django_db,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the read replica is PostgreSQL's logical replication: needs DATABASE_URL on PostgreSQL",
    ),
    pytest.mark.skipif(bool(clusters.missing()), reason=clusters.missing() or "-"),
]


class Site:
    """The scenario's process (tests/replica/scenario.py), its settings pointed at the clusters."""

    def __init__(self, primary: clusters.Cluster, replica: clusters.Cluster, log: Path) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "veche.settings.test",
            "DATABASE_URL": primary.url(),
            "DATABASE_REPLICA_URL": replica.url(),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.replica.scenario"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log.open("w"),
            text=True,
        )

    def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, f"{command}: the scenario died: {self.log.read_text()[-3000:]}"
        found: dict[str, Any] = json.loads(answer)
        return found

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def tables(cluster: clusters.Cluster) -> int:
    query = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    return int(cluster.execute(clusters.DATABASE, query)[0][0])


def names(cluster: clusters.Cluster) -> list[str]:
    query = "SELECT name_en FROM municipalities_municipality WHERE slug = %s"
    return [name for (name,) in cluster.execute(clusters.DATABASE, query, (SLUG,))]


@pytest.fixture(scope="module")
def replicated(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[clusters.Cluster, clusters.Cluster, Site]]:
    """The two clusters in sync, and the site's process pointed at them.

    The primary starts as a copy of this run's migrated test database (running every migration
    again takes minutes on a loaded machine); the replica gets the schema only, then the rows
    through its subscription. The site's process starts first: Django connects only when asked."""
    started = time.monotonic()
    with django_db_blocker.unblock():
        source = dict(connection.settings_dict)
    with clusters.two_clusters() as (primary, replica):
        site = Site(primary, replica, tmp_path_factory.mktemp("replica") / "scenario.log")
        try:
            clusters.start(primary, replica)
            print(f"two clusters started in {time.monotonic() - started:.1f} s")
            mark = time.monotonic()
            clusters.copy_database(source, primary)
            assert tables(primary) > 50
            clusters.copy_schema(primary, replica)
            assert tables(replica) == tables(primary)
            print(f"primary filled and the replica's schema copied in {time.monotonic() - mark:.1f} s")
            mark = time.monotonic()
            clusters.subscribe(primary, replica)
            clusters.wait_for(lambda: clusters.tables_synced(replica), "the replica's first copy", 60)
            print(f"subscribed and first copy done in {time.monotonic() - mark:.1f} s")
            yield primary, replica, site
        finally:
            site.close()
    print(f"whole suite with the clusters: {time.monotonic() - started:.1f} s")


def test_writes_reach_the_replica_and_lagging_reads_come_from_it(
    replicated: tuple[clusters.Cluster, clusters.Cluster, Site],
) -> None:
    primary, replica, site = replicated

    seeded = site.ask("seed")
    assert seeded["replica_opened"] is False
    assert names(primary) == ["Replicagrad"]
    took = clusters.wait_for(lambda: names(replica) == ["Replicagrad"], "the seed on the replica")
    print(f"the seed reached the replica in {took:.2f} s")

    # In sync: every page shows the same state.
    shown = site.ask("read")
    assert shown["replica_configured"] is True
    for path in (*REPLICA_PATHS, *DEFAULT_PATHS):
        assert shown[path] == {"status": 200, "state": "old"}, path

    # The replica stops applying; a write lands on the primary only.
    clusters.set_subscription(replica, enabled=False)
    clusters.wait_for(lambda: not clusters.apply_worker_running(replica), "the subscription to stop")
    site.ask("change")
    assert names(primary) == ["Primarygrad"]
    assert names(replica) == ["Replicagrad"]

    shown = site.ask("read")
    for path in REPLICA_PATHS:
        assert shown[path] == {"status": 200, "state": "old"}, f"{path} should read the replica"
    for path in DEFAULT_PATHS:
        assert shown[path] == {"status": 200, "state": "new"}, f"{path} should read the primary"

    # Started again, the replica catches up and the pages agree once more.
    clusters.set_subscription(replica, enabled=True)
    took = clusters.wait_for(lambda: names(replica) == ["Primarygrad"], "the replica to catch up")
    print(f"the replica caught up in {took:.2f} s")
    shown = site.ask("read")
    for path in (*REPLICA_PATHS, *DEFAULT_PATHS):
        assert shown[path] == {"status": 200, "state": "new"}, path
