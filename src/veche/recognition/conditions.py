"""What each badge condition counts, and how a badge and a point rule read in words.

The conditions are a fixed set in code (`models.Condition`); a municipality's badge rule picks one and
its threshold, and the words of the badge's page are made from both, so tuning the threshold changes
the words. The counting itself is in `recognition.selectors` (`earned`).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veche.recognition.models import Action, BadgeRule, Condition, PointRule


@dataclass(frozen=True)
class Meaning:
    """The action whose live entries a condition counts; None for one that counts something else
    (years in which a person voted in every poll)."""

    counts: str | None


MEANINGS: dict[str, Meaning] = {
    Condition.REPORTS_FIXED: Meaning(Action.REPORT_FIXED),
    Condition.IDEAS_SELECTED: Meaning(Action.IDEA_SELECTED),
    Condition.AMENDMENTS_ACCEPTED: Meaning(Action.AMENDMENT_ACCEPTED),
    Condition.VOTES_CAST: Meaning(Action.VOTE_CAST),
    Condition.MONITORING_REPORTS: Meaning(Action.MONITORING_REPORT),
    Condition.COFINANCED: Meaning(Action.PROJECT_COFINANCED),
    Condition.VOTED_EVERY_POLL_OF_YEAR: Meaning(None),
}


def _condition_words(condition: str, n: int) -> list[str]:
    """The condition's sentences for a threshold `n`: what it asks for first, then what counts."""
    if condition == Condition.REPORTS_FIXED:
        return [
            ngettext(
                "Earned when %(n)d of your problem reports is fixed.",
                "Earned when %(n)d of your problem reports are fixed.",
                n,
            ),
            _(
                "A report counts once the city answers that the problem is fixed and you confirm it, "
                "or do not dispute the answer in time; declined and rejected reports do not count."
            ),
        ]
    if condition == Condition.IDEAS_SELECTED:
        return [
            ngettext(
                "Earned when %(n)d of your ideas is taken up by a crowd project's selection.",
                "Earned when %(n)d of your ideas are taken up by crowd projects' selections.",
                n,
            )
        ]
    if condition == Condition.AMENDMENTS_ACCEPTED:
        return [
            ngettext(
                "Earned when %(n)d of your amendments to a drafted text is accepted.",
                "Earned when %(n)d of your amendments to drafted texts are accepted.",
                n,
            )
        ]
    if condition == Condition.VOTES_CAST:
        return [
            ngettext("Earned when you have voted %(n)d time.", "Earned when you have voted %(n)d times.", n),
            _("Polls, participatory budgets and crowd projects' votes count, each poll or ballot once."),
        ]
    if condition == Condition.MONITORING_REPORTS:
        return [
            ngettext(
                "Earned when you have filed %(n)d monitoring report on the work on a taken-up idea.",
                "Earned when you have filed %(n)d monitoring reports on the work on taken-up ideas.",
                n,
            )
        ]
    if condition == Condition.COFINANCED:
        return [
            ngettext(
                "Earned when %(n)d co-financing campaign you pledged to reaches its target.",
                "Earned when %(n)d co-financing campaigns you pledged to reach their targets.",
                n,
            )
        ]
    return [
        ngettext(
            "Earned when you vote in every poll open to the whole municipality that closes in a "
            "calendar year, in %(n)d year.",
            "Earned when you vote in every poll open to the whole municipality that closes in a "
            "calendar year, in %(n)d years.",
            n,
        ),
        _("A year counts once it is over, if at least one such poll closed in it."),
    ]


def how_earned(badge: BadgeRule, *, brief: bool = False) -> str:
    """The badge's rule in words, in the active language; `brief`: what it asks for only (lists)."""
    n = badge.threshold
    headline, *details = _condition_words(badge.condition, n)
    if brief:
        return headline % {"n": n}
    return " ".join(
        [headline % {"n": n}, *details, _("What a moderator hides stops counting until it is restored.")]
    )


def rule_words(rule: PointRule) -> str:
    """A point rule in words: "A vote cast: 1 point, at most 20 a day"."""
    action = str(Action(rule.action).label)
    if not rule.active:
        return _("%(action)s: not counted now") % {"action": action.capitalize()}
    points = ngettext("%(n)s point", "%(n)s points", rule.points) % {"n": rule.points}
    if rule.points == 0 or rule.daily_limit == 0:
        return _("%(action)s: no points now, it counts towards badges") % {"action": action.capitalize()}
    limit = _("at most %(n)d a day") % {"n": rule.daily_limit}
    return _("%(action)s: %(points)s, %(limit)s") % {
        "action": action.capitalize(),
        "points": points,
        "limit": limit,
    }
