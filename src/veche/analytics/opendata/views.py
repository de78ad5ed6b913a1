# mypy: disallow-untyped-defs, disallow-incomplete-defs, check-untyped-defs
"""The open-data portal: the municipalities, each one's datasets with their dictionary, the files
(streamed) and the DCAT catalogue. Nothing here asks who is signed in: every answer is what a
visitor who is not signed in may see (`datasets.NOBODY`), so a token or a session changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from veche.access.functions import access_municipality
from veche.analytics.opendata.catalog import catalog as dcat_catalog
from veche.analytics.opendata.datasets import (
    BY_NAME,
    DATASETS,
    LICENCE_NAME,
    LICENCE_URL,
    NOBODY,
    csv_pieces,
    geojson_pieces,
    is_public_budget,
    public_budgets,
    public_deliberations,
)
from veche.budgeting.access import access_budget
from veche.budgeting.engine import write_pb
from veche.budgeting.selectors import budget_election
from veche.core.dbrouter import replica_view
from veche.core.errors import NotFound
from veche.core.http import download
from veche.deliberation.access import access_deliberation
from veche.deliberation.exports import NAMES as POLIS_FILES
from veche.deliberation.exports import export_pieces
from veche.municipalities.models import Municipality

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json; charset=utf-8",
}


def _streamed(pieces: Iterator[str], content_type: str, filename: str) -> HttpResponseBase:
    response = download(pieces, content_type=content_type, filename=filename)
    # Open data: any site's script may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@replica_view
def index(request: HttpRequest) -> HttpResponse:
    """Every active municipality, with a link to its datasets and the catalogue."""
    municipalities = Municipality.objects.filter(is_active=True)
    return render(request, "analytics/opendata/index.html", {"municipalities": municipalities})


@require_GET
@replica_view
def municipality(request: HttpRequest, slug: str) -> HttpResponse:
    """A municipality's datasets with their data dictionary, its budgets and deliberations."""
    place = access_municipality(NOBODY, slug)
    context = {
        "municipality": place,
        "datasets": DATASETS,
        "budgets": list(public_budgets(place)),
        "deliberations": list(public_deliberations(place).only("pk", "title")),
        "polis_files": POLIS_FILES,
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
    }
    return render(request, "analytics/opendata/municipality.html", context)


@require_GET
@replica_view
def dataset_file(request: HttpRequest, slug: str, name: str, extension: str) -> HttpResponseBase:
    """`<name>.csv` (every dataset) or `reports.geojson`."""
    place = access_municipality(NOBODY, slug)
    dataset = BY_NAME.get(name)
    if dataset is None or extension not in dataset.formats:
        raise NotFound()
    pieces = geojson_pieces(place) if extension == "geojson" else csv_pieces(dataset, place)
    return _streamed(pieces, CONTENT_TYPES[extension], f"{place.slug}-{name}.{extension}")


@require_GET
@replica_view
def budget(request: HttpRequest, slug: str, budget_id: str) -> HttpResponseBase:
    """A budget of a process whose results are published, as the budgeting app's pabulib file."""
    place = access_municipality(NOBODY, slug)
    found = access_budget(NOBODY, budget_id, municipality=place)
    if not is_public_budget(found):
        raise NotFound()

    def pieces() -> Iterator[str]:
        yield write_pb(budget_election(budget=found, selected=True))

    return _streamed(pieces(), "text/plain; charset=utf-8", f"{place.slug}-budget-{found.pk}.pb")


@require_GET
@replica_view
def deliberation(request: HttpRequest, slug: str, deliberation_id: str, name: str) -> HttpResponseBase:
    """comments.csv, votes.csv or participants-votes.csv of a public deliberation, Polis's format."""
    place = access_municipality(NOBODY, slug)
    found = access_deliberation(NOBODY, deliberation_id, municipality=place)
    if name not in POLIS_FILES:
        raise NotFound()
    return _streamed(
        export_pieces(found, name), CONTENT_TYPES["csv"], f"{place.slug}-deliberation-{found.pk}-{name}.csv"
    )


@require_GET
@replica_view
def catalog(request: HttpRequest) -> HttpResponse:
    """The DCAT catalogue of every active municipality's datasets, in JSON-LD."""
    body = dcat_catalog(request.build_absolute_uri)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/ld+json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
