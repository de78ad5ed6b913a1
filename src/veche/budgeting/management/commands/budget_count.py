"""`veche budget_count BUDGET_ID --as USERNAME [--rule ...]`: count a budget with no time limit.

The pages stop a count after BUDGET_COUNT_SECONDS; a long Add1 count runs here instead, through
the same service (so it is stored, explained and audited like any other).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from veche.accounts.models import User
from veche.budgeting.models import Budget, Rule, TieBreaking, Utilities
from veche.budgeting.selectors import money
from veche.budgeting.services.counting import budget_count
from veche.core.errors import DomainError


class Command(BaseCommand):
    help = "Count a participatory budget's ballots and store the result, with no time limit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("budget", type=int, help="the budget's id")
        parser.add_argument("--as", dest="username", required=True, help="the official or admin who counts")
        parser.add_argument("--rule", choices=Rule.values, help="default: the process's rule")
        parser.add_argument("--utilities", choices=Utilities.values, help="default: the process's")
        parser.add_argument("--tie-breaking", dest="tie_breaking", choices=TieBreaking.values)

    # The command speaks English, with amounts unlocalised: in the site's language (Russian) they would
    # read "6 000 000 ₽" inside an English line, which a script reading the output cannot parse.
    @no_translations
    def handle(self, *args: Any, **options: Any) -> None:
        budget = (
            Budget.objects.select_related("process__municipality", "district")
            .filter(pk=options["budget"])
            .first()
        )
        actor = User.objects.filter(username=options["username"]).first()
        if budget is None or actor is None:
            raise CommandError("no such budget or user")
        try:
            count = budget_count(
                actor=actor,
                budget=budget,
                rule=options["rule"],
                utilities=options["utilities"],
                tie_breaking=options["tie_breaking"],
            )
        except DomainError as error:
            raise CommandError(error.summary) from None
        self.stdout.write(
            f"count {count.pk}: {count.rule}, {len(count.winners)} projects funded for "
            f"{money(count.total_cost)} of {money(budget.amount)}, {count.voters} ballots"
        )
