"""Reports in a person's activity: the reports they filed, with their status now."""

from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _

from veche.accounts.activity import Item
from veche.accounts.activity import register as register_activity
from veche.municipalities.zones import zone_of
from veche.reports.models import Report
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


register_activity("report", rows=lambda user: Report.objects.filter(author=user), items=_items)
