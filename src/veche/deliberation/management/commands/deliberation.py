"""`veche deliberation cluster|import DIR ...|tick`: opinion groups of a Polis export (the engine
alone), a Polis export imported as a deliberation, or the maps out of date recomputed."""

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veche.core.errors import DomainError
from veche.crowdprojects.models import Project
from veche.deliberation.engine import cli
from veche.deliberation.engine.polis import PolisError
from veche.deliberation.services import deliberation_import_polis, maps_refresh
from veche.municipalities.models import Municipality


class Command(BaseCommand):
    help = "Opinion mapping: find the groups of a Polis export, or import one as a deliberation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = cli.add_arguments(parser)
        imported = sub.add_parser(
            "import",
            help="Import a Polis export (a folder with comments.csv and votes.csv) as a deliberation: of a "
            "crowd project (--project) or standalone (--municipality and --title). All or nothing.",
        )
        imported.add_argument("folder", metavar="DIR", help="folder with comments.csv and votes.csv")
        where = imported.add_mutually_exclusive_group(required=True)
        where.add_argument("--project", type=int, help="id of the crowd project the deliberation belongs to")
        where.add_argument("--municipality", help="slug of the municipality of a standalone deliberation")
        imported.add_argument("--title", default="", help="the question (default: the project's title)")
        imported.add_argument("--description", default="")
        imported.add_argument("--draft", action="store_true", help="leave it unpublished")
        sub.add_parser(
            "tick",
            help="Recompute the opinion maps out of date (for installations that run cron, not Celery beat).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)
            return
        if options["action"] == "tick":
            self.stdout.write(f"recomputed={maps_refresh()}")
            return
        code = cli.run(argparse.Namespace(**options), self.stdout, self.stderr)
        if code:
            raise CommandError("the file has problems", returncode=code)

    def _import(self, options: dict[str, Any]) -> None:
        project = municipality = None
        if options["project"] is not None:
            project = Project.objects.select_related("municipality").filter(pk=options["project"]).first()
            if project is None:
                raise CommandError(f"no crowd project {options['project']}")
            municipality = project.municipality
        else:
            municipality = Municipality.objects.filter(slug=options["municipality"]).first()
            if municipality is None:
                raise CommandError(f"no municipality {options['municipality']!r}")
            if not options["title"].strip():
                raise CommandError("a standalone deliberation needs --title")
        started = time.perf_counter()
        try:
            deliberation = deliberation_import_polis(
                actor=None,
                source=options["folder"],
                municipality=municipality,
                project=project,
                title=options["title"],
                description=options["description"],
                publish=not options["draft"],
                progress=lambda line: self.stderr.write(line),
            )
        except PolisError as error:
            raise CommandError(str(error), returncode=2) from None
        except DomainError as error:
            raise CommandError(error.summary, returncode=1) from None
        counts = {
            "deliberation": deliberation.pk,
            "statements": deliberation.statements.count(),
            "participants": deliberation.participants.count(),
            "votes": deliberation.votes.count(),
            "seconds": f"{time.perf_counter() - started:.2f}",
        }
        self.stdout.write(" ".join(f"{key}={value}" for key, value in counts.items()))
