"""Reports can be flagged and hidden like any other content."""

from veche.moderation.registry import register
from veche.reports import mapcells
from veche.reports.access import can_see_report
from veche.reports.models import Report
from veche.reports.services import report_url


def _hidden(report: Report, hidden: bool) -> None:
    # A hidden report leaves the public map's counts; a restored one comes back.
    day = mapcells.overdue_day(report.municipality_id)
    mapcells.move(mapcells.key_of(report, day, hidden=not hidden), mapcells.key_of(report, day))


register(
    Report,
    url=report_url,
    excerpt=lambda r: r.description[:300],
    author=lambda r: r.author,
    related=("municipality",),
    visible=can_see_report,
    on_hidden=_hidden,
)
