"""PLACEHOLDER (branch dvote): the map page and the exports are helper dmap's; this stands in only so
that the residents' routes resolve in dvote's tests and the authorization matrix. The integrator
takes dmap's version."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from veche.access.functions import access_municipality
from veche.core.errors import NotFound
from veche.deliberation.access import access_deliberation

EXPORTS = ("comments", "votes", "participants-votes")


@require_GET
def map_page(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    deliberation = access_deliberation(request.user, deliberation_id, municipality=municipality)
    return HttpResponse(deliberation.title, content_type="text/plain; charset=utf-8")


@require_GET
def export(request: HttpRequest, slug: str, deliberation_id: int, name: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    access_deliberation(request.user, deliberation_id, municipality=municipality)
    if name not in EXPORTS:
        raise NotFound()
    return HttpResponse("", content_type="text/csv; charset=utf-8")
