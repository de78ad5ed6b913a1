"""`veche analytics rollup | check | classify`: keep, verify and read the analytics roll-ups."""

from __future__ import annotations

import importlib
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from veche.analytics import services
from veche.analytics.periods import parse_period
from veche.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Analytics: add new activity to the roll-ups, check them against a recount, classify municipalities."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rollup", help="Add the activity since the last run to the roll-ups.")
        sub.add_parser("check", help="Recount the roll-ups from the raw tables; exit 1 on a mismatch.")
        classify = sub.add_parser("classify", help="The participation model of each municipality.")
        classify.add_argument(
            "--period", default="", help="YYYY, YYYY-MM or YYYY-MM..YYYY-MM (default: last 12 months)."
        )
        classify.add_argument("--municipality", default="", help="A municipality's slug (default: all).")
        classify.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rollup":
            self._rollup()
        elif action == "check":
            self._check()
        else:
            self._classify(options)

    def _rollup(self) -> None:
        def progress(source: str, rows: int) -> None:
            self.stderr.write(f"{source}: {rows}")

        stats = services.rollup_run(progress=progress)
        for source, rows in stats.rows.items():
            if rows:
                self.stdout.write(f"{source}: {rows}")
        self.stdout.write(f"total: {stats.total}")

    def _check(self) -> None:
        mismatches = services.rollup_check()
        for mismatch in mismatches:
            self.stdout.write(str(mismatch))
        if mismatches:
            raise CommandError(f"{len(mismatches)} roll-ups differ from the recount", returncode=1)
        self.stdout.write("the roll-ups agree with the recount")

    def _classify(self, options: dict[str, Any]) -> None:
        try:
            parse_period(options["period"], today=timezone.localdate())
        except DomainError as error:
            messages = " ".join(error.fields.get("period") or [error.message])
            raise CommandError(f"--period: {messages}", returncode=2) from error
        try:
            classify = importlib.import_module("veche.analytics.classify")
        except ModuleNotFoundError as error:
            if error.name != "veche.analytics.classify":
                raise
            raise CommandError(
                "classification is not available in this installation", returncode=2
            ) from error
        code = classify.command(options, self.stdout)
        if code:
            sys.exit(code)
