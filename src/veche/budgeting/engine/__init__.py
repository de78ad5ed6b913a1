# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The participatory-budgeting engine: pabulib files in and out, and the counting rules. No Django here.

The rules (and numpy with them) are loaded on the first use of `compute`, so that reading and checking
files, and the command line up to the count, start quickly."""

from typing import TYPE_CHECKING, Any

from veche.budgeting.engine.explain import Comparison, ProjectOutcome, Result
from veche.budgeting.engine.options import RULES, TIE_BREAKINGS, UTILITIES, RuleError
from veche.budgeting.engine.pabulib import (
    Election,
    ParseError,
    Problem,
    Project,
    Voter,
    parse_pb,
    read_pb,
    validate_pb,
    write_pb,
)

if TYPE_CHECKING:
    from veche.budgeting.engine.rules import compute

__all__ = [
    "RULES",
    "TIE_BREAKINGS",
    "UTILITIES",
    "Comparison",
    "Election",
    "ParseError",
    "Problem",
    "Project",
    "ProjectOutcome",
    "Result",
    "RuleError",
    "Voter",
    "compute",
    "parse_pb",
    "read_pb",
    "validate_pb",
    "write_pb",
]


def __getattr__(name: str) -> Any:
    if name == "compute":
        from veche.budgeting.engine.rules import compute

        return compute
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
