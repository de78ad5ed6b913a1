"""`veche pb validate|compute FILE ...`: pabulib files and counting rules, through the engine only."""

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veche.budgeting.engine import cli


class Command(BaseCommand):
    help = "Validate a pabulib .pb file, or count it with a participatory-budgeting rule."

    def add_arguments(self, parser: CommandParser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        code = cli.run(argparse.Namespace(**options), self.stdout, self.stderr)
        if code:
            raise CommandError("the file has problems", returncode=code)
