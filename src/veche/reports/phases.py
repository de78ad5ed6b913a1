"""The discussion under a report as data: which statuses open it, and the tier commenting needs.

Filing a report and "me too" are the REPORTING phase in services. A report is discussed while the
public sees it, by anyone with a confirmed account (as appeals are); once it is closed its
discussion stays to be read but takes no new comments. The city's answer is not a comment: it is
the lifecycle's resolve or reject.
"""

from django.utils.translation import gettext_lazy as _

from veche.access.predicates import Feature, Phase
from veche.access.roles import Tier
from veche.reports.models import Report, Status

DISCUSSING = Phase(
    name="discussing", features=frozenset({Feature.COMMENT, Feature.FLAG}), tier=Tier.REGISTERED
)
CLOSED = Phase(
    name="closed",
    features=frozenset({Feature.FLAG}),
    closed_reason=_("This report is closed. Its discussion can still be read, but it takes no new comments."),
)
# Before a moderator passes it, or once declined, a report is not public: the few who see it
# (its author and the staff) do not discuss it in public.
NOT_PUBLIC = Phase(
    name="not_public",
    features=frozenset(),
    closed_reason=_("The discussion opens once a moderator has published the report."),
)
HIDDEN = Phase(
    name="hidden",
    features=frozenset(),
    closed_reason=_("A moderator has hidden this report, so its discussion takes no new comments."),
)

# The statuses that open the discussion are the public ones (models.PUBLIC) but the last.
PHASES: dict[str, Phase] = {
    Status.SUBMITTED: NOT_PUBLIC,
    Status.MODERATED: NOT_PUBLIC,
    Status.DECLINED: NOT_PUBLIC,
    Status.ROUTED: DISCUSSING,
    Status.IN_PROGRESS: DISCUSSING,
    Status.RESOLVED: DISCUSSING,
    Status.REJECTED: DISCUSSING,
    Status.CLOSED: CLOSED,
}


def phase_of(report: Report) -> Phase:
    """The step `report` is in; a hidden report opens nothing until a moderator restores it."""
    return HIDDEN if report.is_hidden else PHASES[report.status]
