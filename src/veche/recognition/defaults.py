"""The rules every municipality starts with; its municipal admin tunes them from there.

(Migration 0002 keeps its own copy, as a migration must: what it wrote stays what it wrote.)
"""

from dataclasses import dataclass

from veche.recognition.models import Action, Condition


@dataclass(frozen=True)
class DefaultPoints:
    action: str
    points: int
    daily_limit: int


@dataclass(frozen=True)
class DefaultBadge:
    code: str
    condition: str
    threshold: int
    name_ru: str
    name_en: str


POINTS = (
    DefaultPoints(Action.REPORT_FIXED, 10, 5),
    DefaultPoints(Action.IDEA_SELECTED, 20, 5),
    DefaultPoints(Action.AMENDMENT_ACCEPTED, 10, 5),
    DefaultPoints(Action.VOTE_CAST, 1, 20),
    DefaultPoints(Action.MONITORING_REPORT, 5, 3),
)

# Names are people's words in both languages, as staff would write them: data, not the site's text.
BADGES = (
    DefaultBadge("first-fix", Condition.REPORTS_FIXED, 1, "Первое исправление", "First report fixed"),
    DefaultBadge("ten-fixed", Condition.REPORTS_FIXED, 10, "Десять исправлений", "Ten reports fixed"),
    DefaultBadge(
        "every-poll",
        Condition.VOTED_EVERY_POLL_OF_YEAR,
        1,
        "Голос в каждом опросе года",
        "Voted in every poll of a year",
    ),
    DefaultBadge("idea-taken-up", Condition.IDEAS_SELECTED, 1, "Идея принята", "Idea taken up"),
    DefaultBadge("co-financed", Condition.COFINANCED, 1, "Софинансирование проекта", "Co-financed a project"),
)
