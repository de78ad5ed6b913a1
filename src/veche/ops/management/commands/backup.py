"""`veche backup PATH`: the database and the media files in one .tar.gz (veche.ops.backup)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veche.ops.backup import backup_create


class Command(BaseCommand):
    help = "Write the whole database and the media files to one .tar.gz archive (docs/operations.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the archive to write, e.g. veche-2026-12-07.tar.gz")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = backup_create(path=options["path"], progress=self._progress, using=options["database"])
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"{options['path']}: {rows} rows, {manifest['media_files']} media files")

    def _progress(self, message: str) -> None:
        self.stderr.write(message, style_func=str)  # progress, not an error: no red
