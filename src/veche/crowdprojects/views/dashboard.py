"""The organisers' dashboard of a project: who took part, when, where and at which tier; each table
also as CSV (`?format=csv&table=days|districts|tiers`)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from veche.core.errors import NotFound
from veche.core.http import csv_download
from veche.core.spreadsheet import neutralise
from veche.crowdprojects.access import access_project_to_run, access_projects_staff
from veche.crowdprojects.dashboard_selectors import Table, project_dashboard


@login_required
def project_dashboard_page(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    municipality = access_projects_staff(request.user, slug)
    project = access_project_to_run(request.user, project_id, municipality=municipality)
    dashboard = project_dashboard(project)
    if request.GET.get("format") == "csv":
        table = dashboard.table(request.GET.get("table", ""))
        if table is None:
            raise NotFound()
        return _csv(table, f"project-{project.pk}-{table.key}.csv")
    tables = [t for t in (dashboard.days, dashboard.districts, dashboard.tiers) if t is not None]
    context = {"municipality": municipality, "project": project, "dashboard": dashboard, "tables": tables}
    return render(request, "crowdprojects/staff/dashboard.html", context)


def _csv(table: Table, filename: str) -> HttpResponse:
    """The table for a spreadsheet or a script: machine names in the header and the first column,
    plain unlocalised numbers."""
    first = {"days": "date", "districts": "district", "tiers": "tier"}[table.key]
    rows = [
        [first, *(column.key for column in table.columns)],
        *([neutralise(key), *(str(n) for n in counts)] for key, _name, counts in table.rows),
        ["total", *(str(n) for n in table.totals)],
    ]
    return csv_download(rows, filename=filename)
