"""What a kind of target says about the comments under it, registered by the app that owns it.

- `stances`: its comments take a side (for, against, neutral); elsewhere a side is refused.
- `may_react`: who may mark its comments ("I agree", "useful") now, e.g. only while a crowd project's
  stage opens commenting and only in the project's districts. Without one, whoever may comment
  outside any process (a confirmed account) may.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from veche.access.predicates import OPEN_DISCUSSION, Decision, Feature, allows
from veche.access.roles import Person

Rule = Callable[[Person, Any], Decision]


@dataclass(frozen=True)
class TargetRules:
    stances: bool = False
    may_react: Rule | None = None


_rules: dict[str, TargetRules] = {}


def register(model: type[models.Model], *, stances: bool = False, may_react: Rule | None = None) -> None:
    _rules[model._meta.label_lower] = TargetRules(stances=stances, may_react=may_react)


def rules_of(target: models.Model) -> TargetRules:
    return _rules.get(target._meta.label_lower, TargetRules())


def uses_stances(target: models.Model) -> bool:
    return rules_of(target).stances


def may_react(user: Person, target: models.Model, municipality: Any) -> Decision:
    rule = rules_of(target).may_react
    if rule is not None:
        return rule(user, target)
    return allows(user, municipality, Feature.COMMENT, OPEN_DISCUSSION)
