"""The public analytics pages: anyone may read them, and they show no person. The comparison of every
municipality (the research's classification table with sparklines), a municipality's dashboard with
a table and a CSV for each chart, and its network of interaction."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from veche.access.functions import access_municipality
from veche.analytics import charts, classify
from veche.analytics.forms import PeriodForm
from veche.analytics.periods import Period, parse_period
from veche.core.dbrouter import replica_view
from veche.core.errors import DomainError, NotFound
from veche.core.forms import apply_domain_error
from veche.core.http import csv_download
from veche.municipalities.zones import local_day


def read_period(request: HttpRequest, today: date) -> tuple[PeriodForm, Period | None]:
    """The period the page's ?period= names (the last twelve months when it names none), or None and
    the form with the field's message. The form offers the usual periods as links."""
    form = PeriodForm(request.GET if "period" in request.GET else None)
    form.shortcuts = charts.period_shortcuts(today)
    if form.is_bound and not form.is_valid():
        return form, None
    try:
        return form, parse_period(request.GET.get("period", ""), today=today)
    except DomainError as error:
        apply_domain_error(form, error)
        return form, None


@require_GET
@replica_view
def comparison(request: HttpRequest) -> HttpResponse:
    form, period = read_period(request, timezone.localdate())
    context = {
        "form": form,
        "period": period,
        "period_text": charts.period_text(period) if period else "",
        "rows": charts.comparison_rows(period) if period else [],
        "models": [(n, charts.MODEL_NAMES[n], charts.MODEL_HELP[n]) for n in (1, 2, 3)],
    }
    return render(request, "analytics/comparison.html", context, status=200 if period else 400)


@require_GET
@replica_view
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    form, period = read_period(request, local_day(municipality))
    context = {"municipality": municipality, "form": form, "period": period}
    if period is None:
        return render(request, "analytics/dashboard.html", context, status=400)
    context["classified"] = charts.Classified(classify.classify(municipality, period))
    context["period_text"] = charts.period_text(period)
    context["charts"] = charts.dashboard_charts(municipality, period)
    return render(request, "analytics/dashboard.html", context)


@require_GET
@replica_view
def network(request: HttpRequest, slug: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    form, period = read_period(request, local_day(municipality))
    context = {"municipality": municipality, "form": form, "period": period}
    if period is None:
        return render(request, "analytics/network.html", context, status=400)
    context["network"] = charts.network_of(municipality, period)
    context["period_text"] = charts.period_text(period)
    return render(request, "analytics/network.html", context)


@require_GET
@replica_view
def chart_csv(request: HttpRequest, slug: str, chart: str) -> HttpResponse:
    """A chart's figures (or the network's table, or its flows) as CSV: a header of machine names, a
    month as YYYY-MM, plain numbers."""
    municipality = access_municipality(request.user, slug)
    if chart not in (*charts.CHART_SLUGS, *charts.NETWORK_TABLES):
        raise NotFound()
    form, period = read_period(request, local_day(municipality))
    if period is None:
        message = " ".join(str(m) for messages in form.errors.values() for m in messages)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    if chart in charts.NETWORK_TABLES:
        rows = charts.network_csv_rows(municipality, period, chart)
    else:
        rows = charts.dashboard_charts(municipality, period, only=chart)[0].csv_rows()
    return csv_download(rows, filename=f"{municipality.slug}-{chart}-{period.label}.csv")
