"""`veche funding settle`: settle co-financing campaigns, for installations that run cron, not Celery beat."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from veche.funding import services


class Command(BaseCommand):
    help = "Scheduled work on co-financing."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "settle",
            help="Settle every campaign whose deadline has passed: succeeded or failed, once each.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settled = services.campaigns_settle()
        self.stdout.write(
            f"settled {settled['succeeded']} succeeded and {settled['failed']} failed campaigns"
        )
