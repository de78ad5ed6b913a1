"""The `veche <app> tick` command every petition app has, for installations that run cron, not Celery beat."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class TickCommand(BaseCommand):
    """A command with one action, `tick`: the app's scheduled work (`run`), reported in one line."""

    tick_help = ""

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("tick", help=self.tick_help)

    def run(self) -> str:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.run())
