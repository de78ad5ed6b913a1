# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The `deliberation cluster` command line, shared by `python -m veche.deliberation.engine` and
`veche deliberation cluster`: opinion groups of a conversation exported from Polis."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Protocol

from veche.deliberation.engine.polis import Conversation, PolisError, read_polis

if TYPE_CHECKING:
    from veche.deliberation.engine.result import Result

# Exit codes: 0 done (also when there are too few voters to form groups: the answer says so), 2 a file
# that cannot be read (argparse uses 2 for a bad command line too).
EXIT_BAD_FILE = 2

# Progress is shown from this many vote rows on (below it the command answers within a second or two).
LONG_RUN_VOTES = 200_000

# How many characters of a statement the text format shows.
TEXT_WIDTH = 90


def add_arguments(parser: argparse.ArgumentParser) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Add the `cluster` subcommand; returns the subparsers so that a caller can add its own."""
    sub = parser.add_subparsers(dest="action", required=True)
    cluster = sub.add_parser(
        "cluster",
        help="Find the opinion groups of a Polis export (a folder with comments.csv and votes.csv).",
        description="Read comments.csv and votes.csv in Polis's export format (a participant's latest "
        "vote on a statement counts; statements with moderated = -1 are left out) and print the opinion "
        "groups, each group's representative statements and the consensus statements.",
    )
    cluster.add_argument("folder", metavar="DIR", help="folder with comments.csv and votes.csv")
    cluster.add_argument("--format", dest="output_format", default="json", choices=("json", "text"))
    cluster.add_argument("--seed", type=int, default=0, help="seed of the clustering (default: 0)")
    return sub


class Output(Protocol):
    """Where the command writes: a text stream, or Django's OutputWrapper around one."""

    def write(self, msg: str) -> object: ...


def run(args: argparse.Namespace, stdout: Output, stderr: Output) -> int:
    """Carry out the parsed `cluster` command; the exit code is 2 if a file cannot be read."""
    if args.action != "cluster":
        raise ValueError(f"unknown action {args.action!r}")
    progress = _Progress(stderr)
    try:
        conversation = read_polis(args.folder)
    except PolisError as error:
        stderr.write(f"{error}\n")
        return EXIT_BAD_FILE
    votes = conversation.matrix()
    participants, statements = votes.shape
    progress.on = progress.on and len(conversation.votes) >= LONG_RUN_VOTES
    progress(f"read {len(conversation.votes):,} vote rows: {participants:,} participants x {statements:,}")

    from veche.deliberation.engine import cluster  # the math, only once the files are read

    result = cluster(votes, seed=args.seed)
    progress(f"clustered: {result.k} groups")
    if result.k == 0:
        stderr.write(f"no opinion groups: {result.reason}\n")
    if args.output_format == "json":
        stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(render_text(conversation, result))
    return 0


class _Progress:
    """Progress lines with the time since the start, on stderr when it is a terminal (a person
    watching a long run); nothing when it is a file or a pipe, so that scripts see only real messages."""

    def __init__(self, stderr: Output) -> None:
        isatty = getattr(stderr, "isatty", None)
        self._stderr = stderr
        self.on = bool(callable(isatty) and isatty())
        self._start = time.perf_counter()

    def __call__(self, message: str) -> None:
        if self.on:
            self._stderr.write(f"[{time.perf_counter() - self._start:6.1f} s] {message}\n")


def render_text(conversation: Conversation, result: Result) -> str:
    texts = {comment.id: " ".join(comment.text.split()) for comment in conversation.comments}

    def statement(sid: int) -> str:
        text = texts.get(sid, "")
        return f"#{sid} {text[:TEXT_WIDTH]}{'...' if len(text) > TEXT_WIDTH else ''}"

    lines = [f"{result.n_participants} participants in the conversation, {result.n_votes} votes"]
    if result.k == 0:
        lines.append(f"no opinion groups: {result.reason}")
    else:
        sizes = ", ".join(str(size) for size in result.group_sizes)
        lines.append(f"{result.k} opinion groups (sizes {sizes})")
    for group in range(result.k):
        lines.append("")
        lines.append(f"group {group} ({result.group_sizes[group]} participants):")
        for rep in result.repness.get(group, []):
            shares = f"{rep.p:4.0%} in the group, {rep.p_out:4.0%} outside"
            lines.append(f"  {rep.direction:8} {shares}  {statement(rep.statement)}")
    if result.consensus:
        lines.append("")
        lines.append("consensus:")
        for item in result.consensus:
            lines.append(f"  {item.direction:8} {item.p:4.0%}  {statement(item.statement)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None, prog: str = "python -m veche.deliberation.engine") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    return run(args, sys.stdout, sys.stderr)
