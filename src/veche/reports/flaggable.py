"""Reports can be flagged and hidden like any other content."""

from veche.access.reports import can_see_report
from veche.moderation.registry import register
from veche.reports.models import Report


def _url(report: Report) -> str:
    return f"/m/{report.municipality.slug}/reports/{report.pk}/"


register(
    Report,
    url=_url,
    excerpt=lambda r: r.description[:300],
    author=lambda r: r.author,
    related=("municipality",),
    visible=can_see_report,
)
