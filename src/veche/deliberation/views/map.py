"""The opinion map of a deliberation (a picture drawn on the server and the same content as tables)
and its Polis CSV exports."""

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from veche.access.functions import access_municipality
from veche.core.errors import NotFound
from veche.core.http import download
from veche.deliberation.access import access_deliberation
from veche.deliberation.exports import NAMES, export_pieces
from veche.deliberation.map_selectors import map_without_state, opinion_map
from veche.deliberation.services import find_participant, participant_place


@require_GET
def map_page(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    """The groups, what each thinks, what everyone agrees on, and where the caller stands."""
    municipality = access_municipality(request.user, slug)
    deliberation = access_deliberation(request.user, deliberation_id, municipality=municipality)
    participant = find_participant(user=request.user, deliberation=deliberation)
    place = participant_place(deliberation=deliberation, participant=participant)
    view = opinion_map(deliberation, map_without_state(deliberation), place)
    context = {
        "municipality": municipality,
        "deliberation": deliberation,
        "map": view,
        "exports": NAMES,
    }
    return render(request, "deliberation/map.html", context)


@require_GET
def export(request: HttpRequest, slug: str, deliberation_id: int, name: str) -> HttpResponseBase:
    """comments.csv, votes.csv or participants-votes.csv in Polis's format, sent as it is written."""
    municipality = access_municipality(request.user, slug)
    deliberation = access_deliberation(request.user, deliberation_id, municipality=municipality)
    if name not in NAMES:
        raise NotFound()
    return download(
        export_pieces(deliberation, name),
        content_type="text/csv; charset=utf-8",
        filename=f"deliberation-{deliberation.pk}-{name}.csv",
    )
