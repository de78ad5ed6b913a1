"""What a deliberation opens to residents at a moment, as the access predicate's `Phase`.

A project's deliberation follows the project's stages: open (DELIBERATE, with the project's tier)
while one of its deliberation stages runs, and the deliberation is published. A standalone one is open
between its own dates, with its own tier. Flagging stays open whenever it is not.
"""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.crowdprojects.models import StageKind
from veche.crowdprojects.selectors import stages_of
from veche.crowdprojects.stages import phase_of, stage_at
from veche.deliberation.models import Deliberation
from veche.municipalities.zones import zone_of

OPEN_FEATURES = frozenset({Feature.DELIBERATE, Feature.FLAG})


def _closed(reason: str) -> Phase:
    return Phase(name="closed", features=frozenset({Feature.FLAG}), closed_reason=reason)


def _when(deliberation: Deliberation, moment: datetime) -> str:
    local = timezone.localtime(moment, zone_of(deliberation.municipality))
    return formats.date_format(local, "DATETIME_FORMAT")


def deliberation_phase(deliberation: Deliberation, now: datetime) -> Phase:
    """The phase of `deliberation` at `now` (see the module's docstring); a closed one says why."""
    if deliberation.published_at is None:
        return _closed(_("This deliberation is not published yet."))
    project = deliberation.project
    if project is not None:
        stage = stage_at(stages_of(project), now)
        if project.published_at is None or stage is None or stage.kind != StageKind.DELIBERATION:
            return _closed(_("Statements are answered only while the project's opinion-mapping stage runs."))
        return phase_of(project, stage)
    if deliberation.opens_at is None:
        return _closed(_("This deliberation has not opened yet."))
    if now < deliberation.opens_at:
        return _closed(
            _("This deliberation opens on %(when)s.") % {"when": _when(deliberation, deliberation.opens_at)}
        )
    if deliberation.closes_at is not None and deliberation.closes_at <= now:
        return _closed(
            _("This deliberation closed on %(when)s.") % {"when": _when(deliberation, deliberation.closes_at)}
        )
    return Phase(name="open", features=OPEN_FEATURES, tier=Tier(deliberation.tier))
