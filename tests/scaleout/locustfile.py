"""Load for tests/scaleout/test_load.py: 70 % reads, 20 % poll votes, 10 % new reports.

Run by the test as `locust --headless` against the cluster it started. Each simulated resident takes
its own API token from $SCALEOUT_USERS (a JSON file the test wrote) and one of $SCALEOUT_HOSTS; the
writes the server acknowledged are written to $SCALEOUT_ACKS/acks-<pid>.json when the run stops, for
the test to compare with the database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import HttpUser, between, events, task

SETUP = json.loads(Path(os.environ["SCALEOUT_USERS"]).read_text())
HOSTS = os.environ["SCALEOUT_HOSTS"].split(",")
ACKS = Path(os.environ["SCALEOUT_ACKS"])
SLUG = SETUP["municipality"]
READS = [
    ("page: reports", f"/m/{SLUG}/reports/"),
    ("page: polls", f"/m/{SLUG}/polls/"),
    ("api: reports", f"/api/v1/municipalities/{SLUG}/reports"),
    ("api: polls", f"/api/v1/municipalities/{SLUG}/polls"),
]
_seats = itertools.count()
acknowledged: dict[str, list[Any]] = {"votes": [], "reports": []}


class Resident(HttpUser):
    host = HOSTS[0]
    wait_time = between(0.1, 0.6)

    def on_start(self) -> None:
        seat = next(_seats)
        if seat >= len(SETUP["residents"]):
            raise RuntimeError("more simulated users than tokens: give the test more residents")
        me = SETUP["residents"][seat]
        self.pk = me["pk"]
        self.base = HOSTS[seat % len(HOSTS)]
        self.auth = {"Authorization": f"Bearer {me['token']}"}
        self.rng = random.Random(seat)
        self.polls = [dict(poll) for poll in SETUP["polls"]]
        self.rng.shuffle(self.polls)

    @task(7)
    def read(self) -> None:
        name, path = self.rng.choice(READS)
        headers = self.auth if path.startswith("/api/") else {}
        self.client.get(self.base + path, name=name, headers=headers)

    @task(2)
    def vote(self) -> None:
        if not self.polls:  # voted everywhere: read instead
            self.read()
            return
        poll = self.polls.pop()
        headers = {**self.auth, "Idempotency-Key": str(uuid.uuid4())}
        body = {"options": [self.rng.choice(poll["options"])]}
        with self.client.post(
            f"{self.base}/api/v1/polls/{poll['id']}/votes",
            json=body,
            headers=headers,
            name="api: vote",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                acknowledged["votes"].append([self.pk, poll["id"]])
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def report(self) -> None:
        form = {
            "category": SETUP["category"],
            "latitude": "55.75",
            "longitude": "37.61",
            "description": f"Load test: a light is out near {self.pk}",
        }
        headers = {
            **self.auth,
            "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        with self.client.post(
            f"{self.base}/api/v1/municipalities/{SLUG}/reports",
            data=urlencode(form),
            headers=headers,
            name="api: report",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                acknowledged["reports"].append(response.json()["id"])
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


@events.quitting.add_listener
def write_acknowledged(**_kwargs: Any) -> None:
    ACKS.mkdir(parents=True, exist_ok=True)
    (ACKS / f"acks-{os.getpid()}.json").write_text(json.dumps(acknowledged))
