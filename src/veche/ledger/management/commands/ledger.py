"""`veche ledger verify`: recompute every hash chain and report the first break."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veche.ledger.selectors import all_chains, chain_break


class Command(BaseCommand):
    help = "Verify the hash chains of votes, signatures and ballots."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute the chains; exit code 1 at the first break.")
        verify.add_argument("--chain", help="Only this chain, e.g. polls.poll:3")

    def handle(self, *args: Any, **options: Any) -> None:
        chains = [options["chain"]] if options.get("chain") else all_chains()
        for number, chain in enumerate(chains, start=1):
            sys.stderr.write(f"\r[{number}/{len(chains)}] {chain}")
            found = chain_break(chain)
            if found is not None:
                sys.stderr.write("\n")
                raise CommandError(f"chain {found.chain} breaks at entry {found.seq}: {found.reason}")
        if chains:
            sys.stderr.write("\n")
        self.stdout.write(f"ok: {len(chains)} chains intact")
