"""Django's side of the replica suite, run in a process of its own so that its settings come from
DATABASE_URL and DATABASE_REPLICA_URL (the two throw-away clusters), as a server's would. It reads
one command a line on stdin and answers each with one line of JSON on stdout:

    seed     a municipality with a public report, written through the services
    change   renames the municipality and rewrites the report, with the ORM
    read     GETs the pages and tells, for each, which of the two states it shows

One process for the whole scenario: starting Django costs seconds on a loaded machine."""

from __future__ import annotations

import json
import sys
from typing import Any

import django

OLD = ("Replicagrad", "Репликоград", "Lamp out 7f3a")
NEW = ("Primarygrad", "Первичноград", "Lamp fixed 9b1c")
SLUG = "replicagrad"

# The pages that read the replica, and one that reads "default" (the municipality's own page).
REPLICA_PATHS = (
    "/analytics/",
    f"/analytics/{SLUG}/",
    f"/analytics/{SLUG}/network/",
    "/open-data/",
    f"/open-data/{SLUG}/",
    f"/open-data/{SLUG}/reports.csv",
    "/api/v1/analytics/classification",
)
DEFAULT_PATHS = (f"/m/{SLUG}/",)


def seed() -> dict[str, Any]:
    from django.db import connections
    from django.utils import timezone

    from veche.accounts.models import User
    from veche.core.testing import build_municipality
    from veche.municipalities.models import Category, Membership
    from veche.reports.services import report_moderate, report_submit

    municipality = build_municipality(slug=SLUG, name=OLD[1], name_en=OLD[0])
    lights = Category.objects.create(
        municipality=municipality,
        department=municipality.departments.get(),
        slug="light",
        name="Свет",
        name_en="Street light",
        answer_days=5,
        photo_required=False,
    )
    now = timezone.now()
    author = User.objects.create(username="author", email="author@example.org", email_confirmed_at=now)
    moderator = User.objects.create(
        username="moderator", email="moderator@example.org", email_confirmed_at=now
    )
    Membership.objects.create(user=moderator, municipality=municipality, role=Membership.Role.MODERATOR)
    report = report_submit(
        author=author,
        municipality=municipality,
        category=lights,
        latitude=55.75,
        longitude=37.61,
        description=OLD[2],
    )
    report_moderate(moderator=moderator, report=report)
    # The replica's connection was never opened: every write went to "default".
    return {"report": report.pk, "replica_opened": connections["replica"].connection is not None}


def change() -> dict[str, Any]:
    from veche.municipalities.models import Municipality
    from veche.reports.models import Report

    # Plain ORM writes (no service renames a municipality): what matters is where they land.
    Municipality.objects.filter(slug=SLUG).update(name_en=NEW[0], name_ru=NEW[1])
    Report.objects.filter(municipality__slug=SLUG).update(description=NEW[2])
    return {"changed": True}


def _state(body: str) -> str:
    old = any(marker in body for marker in OLD)
    new = any(marker in body for marker in NEW)
    return "both" if old and new else "old" if old else "new" if new else "neither"


def read() -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    shown: dict[str, Any] = {"replica_configured": "replica" in settings.DATABASES}
    for path in (*REPLICA_PATHS, *DEFAULT_PATHS):
        response = client.get(path)
        body = response.getvalue()  # the streamed body too
        text = body.decode()
        if response["Content-Type"].startswith("application/json"):
            text = json.dumps(json.loads(text), ensure_ascii=False)  # the names unescaped
        shown[path] = {"status": response.status_code, "state": _state(text)}
    return shown


def main() -> None:
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()
    commands = {"seed": seed, "change": change, "read": read}
    for line in sys.stdin:
        print(json.dumps(commands[line.strip()]()), flush=True)


if __name__ == "__main__":
    main()
