"""`veche polls tick`: scheduled poll work, for installations that run cron, not Celery beat."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veche.polls import services


class Command(BaseCommand):
    help = "Scheduled work on polls."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "tick",
            help="Tell residents of the polls that have opened or closed by their times since the last run "
            "(once each, however many ticks run at once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        told = services.polls_announce()
        self.stdout.write(f"announced {told['opened']} opened and {told['closed']} closed polls")
