# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The `pb` command line, shared by `python -m veche.budgeting.engine` and `veche pb`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Protocol

from veche.budgeting.engine.explain import Result, money
from veche.budgeting.engine.options import RULES, TIE_BREAKINGS, UTILITIES
from veche.budgeting.engine.pabulib import Election, ParseError, parse_pb, validate_pb


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    validate = sub.add_parser("validate", help="Check a .pb file; print every problem with its line number.")
    validate.add_argument("file", help="path to the .pb file")
    count = sub.add_parser("compute", help="Count a .pb election with a rule and print the winners.")
    count.add_argument("file", help="path to the .pb file")
    count.add_argument("--rule", required=True, choices=RULES)
    count.add_argument(
        "--utilities",
        default="cost",
        choices=UTILITIES,
        help="voters' utility for MES and its comparison step: 1 per approved project, or its cost "
        "(default: cost)",
    )
    count.add_argument(
        "--tie-breaking",
        dest="tie_breaking",
        default="lexicographic",
        choices=TIE_BREAKINGS,
        help="order among tied projects (cost: cheapest first, -cost: dearest first, votes: most approved "
        "first); ties within it fall back to the project id; write --tie-breaking=-cost for the dearest "
        "(default: lexicographic, by project id as text)",
    )
    count.add_argument("--format", dest="output_format", default="text", choices=("json", "text"))


class Output(Protocol):
    """Where the command writes: a text stream, or Django's OutputWrapper around one."""

    def write(self, msg: str) -> object: ...


def run(args: argparse.Namespace, stdout: Output, stderr: Output) -> int:
    """Carry out the parsed command; the exit code is 1 if the file has problems."""
    try:
        with open(args.file, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        stderr.write(f"cannot read {args.file}: {error}\n")
        return 1
    if args.action == "validate":
        problems = validate_pb(text)
        for problem in problems:
            stdout.write(f"{problem}\n")
        if problems:
            return 1
        election = parse_pb(text)
        stdout.write(f"ok: {len(election.projects)} projects, {len(election.voters)} votes\n")
        return 0
    try:
        election = parse_pb(text)
    except ParseError as error:
        for problem in error.problems:
            stderr.write(f"{problem}\n")
        return 1

    from veche.budgeting.engine.rules import compute  # numpy, only when there is something to count

    def progress(message: str) -> None:
        stderr.write(message + "\n")

    result = compute(
        election, args.rule, utilities=args.utilities, tie_breaking=args.tie_breaking, progress=progress
    )
    if args.output_format == "json":
        stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(render_text(election, result))
    return 0


def render_text(election: Election, result: Result) -> str:
    ties = "by project id" if result.tie_breaking == "lexicographic" else f"by {result.tie_breaking}, then id"
    lines = [
        f"rule: {result.rule}"
        + (f" ({result.utilities} utilities)" if result.utilities else "")
        + f"; ties broken {ties}",
        f"budget {money(result.budget)}; {len(result.winners)} projects funded "
        f"for {money(result.total_cost)}; "
        f"{money(result.budget - result.total_cost)} left",
    ]
    if result.share is not None:
        raised = f" after {result.add1_steps} raises by one unit" if result.add1_steps is not None else ""
        lines.append(f"share per voter: {result.share:.2f}{raised}")
    lines.extend(result.notes)
    for funded, title in ((True, "funded"), (False, "not funded")):
        lines.append("")
        lines.append(f"{title}:")
        for outcome in result.projects:
            if outcome.funded == funded:
                name = election.projects[outcome.project_id].name or ""
                lines.append(f"  {outcome.project_id}  {name[:60]}")
                lines.append(f"      {outcome.reason}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None, prog: str = "python -m veche.budgeting.engine") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args, sys.stdout, sys.stderr)
