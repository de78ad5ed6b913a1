"""How a process votes and counts, in plain words for residents.

Resident pages name the ballot, the counting rule and the tie-breaking with these words; the
technical names (the models' labels: "Method of Equal Shares with the Add1 completion",
"knapsack"...) and how the rule works in detail are one click away, in "How the votes are counted".
"""

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.budgeting.models import BallotKind, Rule, TieBreaking

BALLOT: dict[str, Promise] = {
    BallotKind.APPROVAL: gettext_lazy("Tick the projects you support."),
    BallotKind.KNAPSACK: gettext_lazy(
        "Tick the projects you support; together they must cost no more than the budget."
    ),
    BallotKind.CUMULATIVE: gettext_lazy("Share your points among the projects you support."),
}

EQUAL_SHARES = gettext_lazy("Equal shares")
RULE_NAME: dict[str, Promise] = {
    Rule.GREEDY: gettext_lazy("Most votes first, while the money lasts"),
    Rule.MES: EQUAL_SHARES,
    Rule.MES_ADD1: EQUAL_SHARES,
    Rule.MES_ADD1_COMPARISON: EQUAL_SHARES,
    Rule.PHRAGMEN: gettext_lazy("Shared load"),
}

_EQUAL_SHARES_HOW = gettext_lazy(
    "Each voter gets an equal part of the budget and spends it only on the projects they chose. "
    "A project is funded when its supporters can pay for it together, so every large enough group "
    "of residents gets projects it wants."
)
RULE_HOW: dict[str, Promise] = {
    Rule.GREEDY: gettext_lazy(
        "Projects are funded in order of their votes, the most first; a project that no longer fits "
        "in what is left of the budget is skipped."
    ),
    Rule.MES: _EQUAL_SHARES_HOW,
    Rule.MES_ADD1: _EQUAL_SHARES_HOW,
    Rule.MES_ADD1_COMPARISON: _EQUAL_SHARES_HOW,
    Rule.PHRAGMEN: gettext_lazy(
        "The cost of the funded projects is spread over their supporters as evenly as possible, so "
        "every large enough group of residents gets projects it wants."
    ),
}

# The engine breaks a tie by the chosen key, then by project id compared as text ("10" < "9").
TIES: dict[str, Promise] = {
    TieBreaking.LEXICOGRAPHIC: gettext_lazy(
        "If two projects are tied, the one whose number comes first wins; numbers are compared "
        "digit by digit, so No. 10 comes before No. 9."
    ),
    TieBreaking.COST: gettext_lazy("If two projects are tied, the cheaper one wins."),
    TieBreaking.MINUS_COST: gettext_lazy("If two projects are tied, the more expensive one wins."),
    TieBreaking.VOTES: gettext_lazy("If two projects are tied, the one with more votes wins."),
}


def rule_details(rule: str) -> str:
    """How the rule works, with its technical names: the text behind "How the votes are counted"."""
    if rule == Rule.GREEDY:
        return _(
            "Projects are taken in order of their number of votes; each one is funded if its cost "
            "still fits in what is left of the budget."
        )
    if rule == Rule.PHRAGMEN:
        return _(
            "Sequential Phragmén: voters earn money at the same rate; the next project funded is the one "
            "whose supporters can together afford it first, and it is paid from their earnings. The rule "
            "stops at the first project in line whose cost no longer fits in the budget."
        )
    text = _(
        "Method of Equal Shares: the budget is divided equally among the voters, and each project "
        "is paid for by its supporters only, from their shares, as equally as they can. Each round "
        "funds the project that costs its supporters the least per unit of benefit; the rule stops "
        "when no project's supporters can still pay for it."
    )
    if rule in (Rule.MES_ADD1, Rule.MES_ADD1_COMPARISON):
        text += " " + _(
            "Since this usually leaves money unspent, the Add1 completion raises each voter's share "
            "one rouble at a time and keeps the last outcome that fits in the budget."
        )
    if rule == Rule.MES_ADD1_COMPARISON:
        text += " " + _(
            "Finally the outcome is compared with greedy counting, and the one a majority of voters "
            "prefers is kept."
        )
    return text
