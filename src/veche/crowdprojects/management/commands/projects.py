"""`veche projects tick`: scheduled crowd project work, for installations that run cron, not Celery beat."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veche.crowdprojects.services.projects import projects_announce


class Command(BaseCommand):
    help = "Scheduled work on crowd projects."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "tick",
            help="Tell the followers of each project that a stage has begun since the last run "
            "(once each, however many ticks run at once).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        told = projects_announce()
        self.stdout.write(" ".join(f"{key}={value}" for key, value in sorted(told.items())))
