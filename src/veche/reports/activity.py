"""Reports in a person's activity: the reports they filed, and those they said "Me too" to, with
their status now; and a report named in words where other apps name it by its label (recognition's
points for a report fixed)."""

from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _

from veche.accounts.activity import Item
from veche.accounts.activity import register as register_activity
from veche.ledger.subjects import register as register_subject
from veche.municipalities.zones import zone_of
from veche.reports.models import Report, ReportSupport
from veche.reports.services import report_url


def _items(ids: list[int]) -> dict[int, Item]:
    reports = Report.objects.filter(pk__in=ids).select_related("municipality", "category")
    return {
        report.pk: Item(
            kind="report",
            what=format_lazy(
                _("Your report “{}”: {}"), report.category.title, Truncator(report.description).chars(80)
            ),
            url=report_url(report),
            at=report.created_at,
            zone=zone_of(report.municipality),
            status=report.get_status_display(),
        )
        for report in reports
    }


def _supports(ids: list[int]) -> dict[int, Item]:
    supports = ReportSupport.objects.filter(pk__in=ids).select_related(
        "report__municipality", "report__category"
    )
    return {
        support.pk: Item(
            kind="report_support",
            what=format_lazy(
                _("You said “Me too” to the report “{}”: {}"),
                support.report.category.title,
                Truncator(support.report.description).chars(80),
            ),
            url=report_url(support.report),
            at=support.created_at,
            zone=zone_of(support.report.municipality),
            status=support.report.get_status_display(),
        )
        for support in supports
    }


register_subject(
    Report,
    yours=_("Your report “{}”"),
    entry=_("A report “{}”"),
    municipality=lambda report: report.municipality,
    url=report_url,
    related=("municipality", "category"),
    title=lambda report: f"{report.category.title}: {Truncator(report.description).chars(60)}",
)
register_activity("report", rows=lambda user: Report.objects.filter(author=user), items=_items)
# Not a counted action (no receipt): "Me too" tells the city how many care, it decides nothing.
register_activity(
    "report_support", rows=lambda user: ReportSupport.objects.filter(user=user), items=_supports
)
