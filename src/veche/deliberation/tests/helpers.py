"""What the deliberation's tests share (and the pages', API's and demo's): deliberations open now,
standalone or in a project's deliberation stage, made through the services."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from veche.accounts.models import User
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.tests.helpers import project_in_stage
from veche.deliberation.models import Deliberation, Statement
from veche.deliberation.services import deliberation_create, deliberation_publish, statement_add
from veche.municipalities.models import Municipality


def open_deliberation(
    actor: User,
    municipality: Municipality,
    *,
    statements: tuple[str, ...] = (),
    now: datetime | None = None,
    **settings: Any,
) -> Deliberation:
    """A standalone deliberation, published and open since yesterday for a month, with `statements`
    added by `actor` (seeds: accepted)."""
    now = now or timezone.now()
    settings.setdefault("opens_at", now - timedelta(days=1))
    settings.setdefault("closes_at", now + timedelta(days=30))
    made = deliberation_create(
        actor=actor,
        municipality=municipality,
        title=settings.pop("title", "Как сделать парк у реки лучше?"),
        description=settings.pop("description", "Ответьте на несколько коротких утверждений."),
        **settings,
    )
    made = deliberation_publish(actor=actor, deliberation=made, now=now - timedelta(days=1))
    for text in statements:
        statement_add(author=actor, deliberation=made, text=text)
    return made


def project_deliberation(
    actor: User, municipality: Municipality, *, kind: str = StageKind.DELIBERATION, **settings: Any
) -> Deliberation:
    """The published deliberation of a published project whose stage of `kind` runs now (the
    "deliberation" template: ideas, deliberation, voting, selection, implementation)."""
    project = project_in_stage(
        actor=actor, municipality=municipality, kind=kind, template="deliberation", **settings
    )
    made = deliberation_create(
        actor=actor, municipality=municipality, project=project, title="Где жители согласны?"
    )
    return deliberation_publish(actor=actor, deliberation=made)


SEEDS = (
    "В парке нужно больше скамеек",
    "Дорожки нужно осветить",
    "Парк должен закрываться на ночь",
    "Нужна площадка для собак",
    "Велосипедам нужна отдельная дорожка",
)


def shown(deliberation: Deliberation) -> list[Statement]:
    return list(Statement.objects.filter(deliberation=deliberation, status="accepted").order_by("number"))
