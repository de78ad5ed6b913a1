"""`veche reports tick`: the scheduled report work, for installations that use cron instead of Celery beat."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veche.reports import services


class Command(BaseCommand):
    help = "Scheduled work on reports."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "tick", help="Escalate overdue reports and close answers not confirmed within 15 days."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = services.reports_escalate_overdue()
        closed = services.reports_close_unconfirmed()
        self.stdout.write(f"escalated {escalated} overdue reports, closed {closed} unconfirmed ones")
