"""`veche appeals tick`: the scheduled appeal work, for installations that run cron, not Celery beat."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veche.appeals import services


class Command(BaseCommand):
    help = "Scheduled work on appeals."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "tick",
            help="Escalate appeals whose official answer is past its day: once each, "
            "telling the municipality's officials and admins.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = services.appeals_escalate_overdue()
        self.stdout.write(f"escalated {escalated} overdue appeals")
