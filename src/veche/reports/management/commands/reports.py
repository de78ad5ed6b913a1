"""`veche reports tick`: the scheduled report work, for installations that use cron instead of Celery beat.

`veche reports map check|rebuild [--municipality SLUG]`: compare the map's stored cell counts with
the reports, or count them again (after a bulk load that bypassed the services, or a restore).
"""

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veche.municipalities.models import Municipality
from veche.municipalities.zones import local_day
from veche.reports import mapcells, services


class Command(BaseCommand):
    help = "Scheduled work on reports."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "tick",
            help="Escalate overdue reports, close answers not confirmed within 15 days, "
            "move the map's overdue day to today.",
        )
        cells = sub.add_parser("map", help="Check or recount the map's report counts per grid cell.")
        cells.add_argument("what", choices=["check", "rebuild"])
        cells.add_argument("--municipality", help="one municipality's code (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "map":
            self._map(options["what"], options.get("municipality"))
            return
        escalated = services.reports_escalate_overdue()
        closed = services.reports_close_unconfirmed()
        overdue = services.reports_map_advance()
        self.stdout.write(
            f"escalated {escalated} overdue reports, closed {closed} unconfirmed ones, "
            f"{overdue} newly overdue on the map"
        )

    def _map(self, what: str, slug: str | None) -> None:
        municipalities = Municipality.objects.order_by("slug")
        if slug:
            municipalities = municipalities.filter(slug=slug)
            if not municipalities.exists():
                raise CommandError(f"no municipality with code {slug!r}")
        wrong = 0
        for municipality in municipalities:
            started = time.monotonic()
            if what == "rebuild":

                def progress(done: int, name: str = municipality.slug) -> None:
                    sys.stderr.write(f"\r{name}: {done:,} cell rows written")
                    sys.stderr.flush()

                rows = mapcells.rebuild(municipality, local_day(municipality), progress=progress)
                sys.stderr.write("\n")
                self.stdout.write(
                    f"{municipality.slug}: {rows:,} cell rows in {time.monotonic() - started:.1f} s"
                )
                continue
            found = mapcells.differences(municipality)
            wrong += len(found)
            for line in found[:20]:
                self.stdout.write(f"{municipality.slug}: {line}")
            self.stdout.write(f"{municipality.slug}: {len(found)} cell rows differ")
        if wrong:
            raise CommandError(f"{wrong} cell rows differ from the reports; run `veche reports map rebuild`")
