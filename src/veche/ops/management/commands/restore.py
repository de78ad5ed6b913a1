"""`veche restore PATH`: load an archive of `veche backup` into an empty database (veche.ops.backup)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veche.ops.backup import Refused, backup_restore


class Command(BaseCommand):
    help = (
        "Load a `veche backup` archive in one transaction. Refuses (exit code 2) a broken archive, one "
        "from a newer version, and a database that holds data unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the archive `veche backup` wrote")
        parser.add_argument(
            "--force", action="store_true", help="delete the rows the database holds, then restore"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = backup_restore(
                path=options["path"],
                force=options["force"],
                progress=self._progress,
                using=options["database"],
            )
        except Refused as exc:
            raise CommandError(f"restore refused: {exc}", returncode=2) from None
        self.stdout.write(f"{options['path']}: {sum(counts.values())} rows restored")

    def _progress(self, message: str) -> None:
        self.stderr.write(message, style_func=str)  # progress, not an error: no red
