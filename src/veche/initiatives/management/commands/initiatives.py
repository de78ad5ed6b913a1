"""`veche initiatives tick`: scheduled initiative work, for installations that run cron, not Celery beat."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veche.initiatives import services


class Command(BaseCommand):
    help = "Scheduled work on initiatives."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "tick",
            help="Archive initiatives whose support window ended, open scheduled votes on options, "
            "and publish the results of closed votes with a clear winner.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        done = services.initiatives_tick()
        self.stdout.write(
            f"archived {done['archived']} expired initiatives, opened {done['voting']} votes, "
            f"published {done['decided']} results"
        )
