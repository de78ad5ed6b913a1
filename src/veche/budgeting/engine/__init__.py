# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The participatory-budgeting engine: pabulib files in and out, and the counting rules. No Django here."""

from veche.budgeting.engine.explain import Comparison, ProjectOutcome, Result
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
from veche.budgeting.engine.rules import RULES, TIE_BREAKINGS, UTILITIES, RuleError, compute

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
