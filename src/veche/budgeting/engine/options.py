# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The names of the rules, utilities and tie-breakings, apart from the rules themselves: the command line
and file validation read them without loading numpy."""

RULES = ("greedy", "mes", "mes-add1", "mes-add1-comparison", "phragmen")
UTILITIES = ("cardinal", "cost")
TIE_BREAKINGS = ("lexicographic", "cost", "-cost", "votes")


class RuleError(ValueError):
    """The rule, the utilities or the tie-breaking asked for does not exist."""
