"""Load: locust drives two gunicorn processes and a worker; every write it saw acknowledged is stored.

The figures (requests/s, p50/p95/p99) are printed with the prefix SCALEOUT and written to
var/scaleout/; nothing here asserts a time.
"""

from __future__ import annotations

import csv
import json
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.scaleout import harness
from veche.polls.models import PollVote
from veche.reports.models import Report

# The production topology the issue describes: PostgreSQL. The crash suite runs on both databases.
pytestmark = [
    pytest.mark.scaleout,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the scale-out topology runs on PostgreSQL"),
]

USERS = 20
SPAWN_RATE = 10
SECONDS = 20
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with Path(f"{prefix}_stats.csv").open(newline="") as stats:
        return list(csv.DictReader(stats))


def test_load_of_reads_votes_and_reports(world: Any, tmp_path: Path) -> None:
    built = world(residents=USERS, polls=12)
    setup = {
        "municipality": built.municipality.slug,
        "category": built.category.slug,
        "residents": built.tokens(),
        "polls": [{"id": p.pk, "options": list(p.options.values_list("pk", flat=True))} for p in built.polls],
    }
    users_file = tmp_path / "users.json"
    users_file.write_text(json.dumps(setup))
    acks_dir = tmp_path / "acks"
    prefix = tmp_path / "locust"
    with harness.cluster(webs=2, web_workers=2) as cluster:
        env = {
            **cluster.env,
            "SCALEOUT_USERS": str(users_file),
            "SCALEOUT_HOSTS": ",".join(cluster.urls),
            "SCALEOUT_ACKS": str(acks_dir),
        }
        log = tmp_path / "locust.log"
        started = time.monotonic()
        with log.open("wb") as out:
            run = subprocess.run(  # noqa: S603 - our own fixed command line
                [
                    str(harness.BIN / "locust"),
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "-u",
                    str(USERS),
                    "-r",
                    str(SPAWN_RATE),
                    "-t",
                    f"{SECONDS}s",
                    "--stop-timeout",
                    "10",
                    "--csv",
                    str(prefix),
                    "--only-summary",
                ],
                env=env,
                cwd=harness.ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=SECONDS + 90,
                check=False,
            )
        elapsed = time.monotonic() - started
        output = log.read_text(errors="replace")

        stats = read_stats(prefix)
        total = next(row for row in stats if row["Name"] == "Aggregated")
        lines = [
            f"{row['Name']:<14} {row['Request Count']:>6} requests {row['Failure Count']:>4} failed  "
            f"{float(row['Requests/s']):7.1f}/s  p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  "
            f"p99 {row['99%']:>5} ms"
            for row in stats
        ]
        figures = "\n".join(f"SCALEOUT load ({connection.vendor}): {line}" for line in lines)
        print(f"\n{figures}\nSCALEOUT load ({connection.vendor}): locust ran {elapsed:.1f} s")
        harness.write_figures(f"load-{connection.vendor}.txt", figures)

        failures = Path(f"{prefix}_failures.csv").read_text()
        exceptions = Path(f"{prefix}_exceptions.csv").read_text()
        assert int(total["Failure Count"]) == 0, failures + exceptions + output[-3000:]
        assert len(exceptions.strip().splitlines()) <= 1, exceptions
        assert run.returncode == 0, output[-3000:]
        assert int(total["Request Count"]) > 0

        acknowledged: dict[str, list[Any]] = {"votes": [], "reports": []}
        for path in acks_dir.glob("acks-*.json"):
            for kind, items in json.loads(path.read_text()).items():
                acknowledged[kind].extend(items)
        assert acknowledged["votes"] and acknowledged["reports"], acknowledged
        votes = Counter(tuple(pair) for pair in PollVote.objects.values_list("user_id", "poll_id"))
        assert votes == Counter(tuple(pair) for pair in acknowledged["votes"])
        reports = Report.objects.filter(description__startswith="Load test:")
        assert sorted(reports.values_list("pk", flat=True)) == sorted(acknowledged["reports"])
