"""Crash and restart: writes keep their promise while web processes and the worker are SIGKILLed.

Two gunicorn processes and a Celery worker take API writes (poll votes, report supports, new reports,
moderation, which notifies by e-mail through the worker) from many residents, each with an
Idempotency-Key. A killer thread SIGKILLs a random process at random moments (fixed seed) and starts it
again; clients retry a write with the same key after a connection error until they get an answer.
At the end every acknowledged write is stored exactly once, the stored counters equal the rows, and
every notification was e-mailed exactly once.
"""

from __future__ import annotations

import email
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from django.db import connection

from tests.scaleout import harness
from veche.core.models import IdempotencyRecord
from veche.ledger.models import LedgerEntry
from veche.ledger.services import chain_name
from veche.notifications.models import Notification
from veche.polls.models import Poll, PollChoice, PollVote
from veche.reports.models import Report, ReportEvent, ReportSupport

pytestmark = pytest.mark.scaleout

SEED = 15
CLIENTS = 6
# Give up on one write after this long: with the processes restarted within seconds, a write that
# has no answer by then is stuck (the test fails and says which).
PATIENCE = 120


@dataclass
class Write:
    kind: str  # vote, support, report, moderate
    token: str
    path: str
    body: bytes
    content_type: str
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    user: int = 0
    target: int = 0
    attempts: int = 0
    connection_errors: int = 0
    statuses: list[int] = field(default_factory=list)
    status: int = 0
    replayed: bool = False
    answer: Any = None


def json_write(kind: str, token: str, path: str, body: str, **kwargs: Any) -> Write:
    return Write(kind, token, path, body.encode(), "application/json", **kwargs)


def plan(world: Any, rng: random.Random) -> list[Write]:
    """Every resident votes in every poll, supports two open reports and files one; the moderator
    passes every report in moderation (which notifies its author and the department's official)."""
    writes = []
    slug = world.municipality.slug
    for resident in world.residents:
        for poll in world.polls:
            option = rng.choice(list(poll.options.values_list("pk", flat=True)))
            path = f"/api/v1/polls/{poll.pk}/votes"
            body = f'{{"options": [{option}]}}'
            writes.append(json_write("vote", resident.token, path, body, user=resident.pk, target=poll.pk))
        for report in rng.sample(world.routed, 2):
            path = f"/api/v1/municipalities/{slug}/reports/{report.pk}/support"
            writes.append(json_write("support", resident.token, path, "", user=resident.pk, target=report.pk))
        # Form-encoded, so that a retry sends the very same bytes (the key covers the body; a multipart
        # body would get a new boundary on each try).
        form = urlencode(
            {
                "category": "light",
                "latitude": "55.75",
                "longitude": "37.61",
                "description": f"Crash test: the light by house {resident.pk} is out",
            }
        )
        path = f"/api/v1/municipalities/{slug}/reports"
        writes.append(
            Write(
                "report",
                resident.token,
                path,
                form.encode(),
                "application/x-www-form-urlencoded",
                user=resident.pk,
            )
        )
    for report in world.submitted:
        path = f"/api/v1/municipalities/{slug}/reports/{report.pk}/moderate"
        writes.append(json_write("moderate", world.moderator_token, path, "{}", target=report.pk))
    rng.shuffle(writes)
    return writes


def send(write: Write, urls: list[str], rng: random.Random) -> None:
    """Send until there is an answer: after a connection error, again with the same key."""
    session = requests.Session()
    headers = {
        "Authorization": f"Bearer {write.token}",
        "Idempotency-Key": write.key,
        "Content-Type": write.content_type,
    }
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        write.attempts += 1
        try:
            response = session.post(
                rng.choice(urls) + write.path, data=write.body, headers=headers, timeout=60
            )
        except requests.RequestException:
            write.connection_errors += 1
            time.sleep(0.1)
            continue
        write.statuses.append(response.status_code)
        try:
            answer = response.json()
        except ValueError:
            answer = response.text[:500]
        if response.status_code == 409 and "request_in_progress" in str(answer):
            time.sleep(0.3)
            continue
        write.status = response.status_code
        write.replayed = response.headers.get("Idempotent-Replayed") == "true"
        write.answer = answer
        return
    write.answer = f"no answer in {PATIENCE} s"


class Killer(threading.Thread):
    """SIGKILLs a random process of the cluster at random moments and starts it again."""

    def __init__(self, cluster: harness.Cluster, rng: random.Random) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.rng = rng
        self.done = threading.Event()
        self.kills: list[str] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        processes = self.cluster.processes
        # Each process dies at least once, then random ones, until the clients are done. Only a
        # process that is up is killed, and a web process only while the other one is up, so that the
        # writes go on between kills (a kill does not wait for the restarted process).
        order = list(processes)
        try:
            while order or not self.done.is_set():
                time.sleep(self.rng.uniform(0.2, 1.5))
                ready = [p for p in processes if p.running and p.is_ready()]
                webs = [p for p in ready if isinstance(p, harness.Web)]
                victims = [
                    p for p in ready if not isinstance(p, harness.Web) or len(webs) == len(self.cluster.webs)
                ]
                if order:
                    victim = order[0] if order[0] in victims else None
                else:
                    victim = self.rng.choice(victims) if victims else None
                if victim is None:
                    continue
                if order:
                    order.pop(0)
                self.kills.append(victim.name)
                self.cluster.crash(victim)
        except BaseException as exc:  # reported by the test
            self.error = exc


def mail_sent(directory: Path) -> Counter[tuple[str, str]]:
    """(recipient, subject) of every letter the file backend wrote."""
    letters: Counter[tuple[str, str]] = Counter()
    if not directory.exists():
        return letters
    for path in directory.iterdir():
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
                letters[(message["To"], subject)] += 1
    return letters


def wait_for(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return bool(condition())


def test_every_acknowledged_write_survives_crashes_exactly_once(world: Any) -> None:
    rng = random.Random(SEED)
    built = world(residents=12, polls=3, submitted=8, routed=4)
    notifications_before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    writes = plan(built, rng)
    started = time.monotonic()
    with harness.cluster(webs=2, web_workers=2) as cluster:
        killer = Killer(cluster, random.Random(SEED))
        queue = list(writes)
        lock = threading.Lock()

        def client(number: int) -> None:
            client_rng = random.Random(SEED * 100 + number)
            while True:
                with lock:
                    if not queue:
                        return
                    write = queue.pop()
                send(write, cluster.urls, client_rng)

        clients = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
        killer.start()
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(PATIENCE * len(writes))
        killer.done.set()
        killer.join(300)
        writing = time.monotonic() - started
        assert killer.error is None, repr(killer.error)
        cluster.wait_ready()
        for process in cluster.processes:
            assert process.running, f"{process.name} is down after the run"

        # Every write got an answer, and it was a success (a refusal or a 5xx is a bug here).
        unanswered = [(w.kind, w.path, w.statuses, w.answer) for w in writes if not 200 <= w.status < 300]
        assert not unanswered, unanswered
        errors = [(w.kind, w.path, w.statuses) for w in writes if any(s >= 500 for s in w.statuses)]
        assert not errors, errors

        new_notifications = Notification.objects.filter(pk__gt=notifications_before)

        def tasks_done() -> bool:
            return (
                cluster.queued_tasks() == 0 and not new_notifications.filter(emailed_at__isnull=True).exists()
            )

        assert wait_for(tasks_done, 90), (
            cluster.queued_tasks(),
            list(new_notifications.filter(emailed_at__isnull=True).values_list("pk", "title")),
        )
        letters = mail_sent(cluster.mail_dir)

        retried = [w for w in writes if w.attempts > 1]
        kills = Counter(killer.kills)
        figures = (
            f"SCALEOUT crash ({connection.vendor}): {len(writes)} writes in {writing:.1f} s, "
            f"{len(killer.kills)} kills ({', '.join(f'{n} {c}' for n, c in sorted(kills.items()))}), "
            f"{sum(w.connection_errors for w in writes)} connection errors, {len(retried)} writes retried, "
            f"{sum(w.replayed for w in writes)} answered by a replay, {sum(letters.values())} letters"
        )
        print(f"\n{figures}")
        harness.write_figures(f"crash-{connection.vendor}.txt", figures)
        assert killer.kills, "nothing was killed"

        # Exactly once: votes and supports are (user, target) pairs, unique in the database anyway;
        # what matters is that each acknowledged one is there and nothing else is.
        votes = [w for w in writes if w.kind == "vote"]
        assert set(PollVote.objects.values_list("user_id", "poll_id")) == {(w.user, w.target) for w in votes}
        supports = [w for w in writes if w.kind == "support"]
        pairs = {(w.user, w.target) for w in supports}
        assert set(ReportSupport.objects.values_list("user_id", "report_id")) == pairs
        # A new report each: the ids answered are the reports stored, one per acknowledged write.
        filed = [w for w in writes if w.kind == "report"]
        stored = Report.objects.filter(description__startswith="Crash test:")
        assert sorted(stored.values_list("pk", flat=True)) == sorted(w.answer["id"] for w in filed)
        assert Counter(stored.values_list("author_id", flat=True)) == Counter(w.user for w in filed)
        # Moderated once: one "moderated" step in each report's history.
        moderated = [w.target for w in writes if w.kind == "moderate"]
        steps = Counter(
            ReportEvent.objects.filter(report_id__in=moderated, kind="moderated").values_list(
                "report_id", flat=True
            )
        )
        assert steps == Counter(moderated)

        # Stored counters equal the rows they count; the ledger has one entry per vote.
        for poll in Poll.objects.all():
            rows = PollVote.objects.filter(poll=poll).count()
            assert poll.votes_count == rows == len(built.residents), poll
            assert PollChoice.objects.filter(vote__poll=poll).count() == rows
            assert LedgerEntry.objects.filter(chain=chain_name(poll)).count() == rows
        for report in Report.objects.filter(pk__in=[r.pk for r in built.routed]):
            assert report.supporters_count == ReportSupport.objects.filter(report=report).count()

        # Every key's record is finished (none left "in progress" by a killed request).
        assert not IdempotencyRecord.objects.filter(completed=False).exists()

        # Each notification e-mailed exactly once, though the worker was killed with tasks in hand.
        expected = Counter(
            (n.recipient.email, n.title)
            for n in new_notifications.select_related("recipient")
            if n.recipient.email_notifications and n.recipient.email
        )
        assert expected, "the writes notified nobody"
        assert letters == expected

        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA integrity_check")
                assert cursor.fetchall() == [("ok",)]
