"""PLACEHOLDER (branch dvote): the map page and the exports are helper dmap's; this stands in only so
that the residents' routes resolve in dvote's tests. The integrator takes dmap's version."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from veche.access.functions import access_municipality
from veche.core.errors import NotFound
from veche.deliberation.access import access_deliberation


@require_GET
def map_page(request: HttpRequest, slug: str, deliberation_id: int) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    deliberation = access_deliberation(request.user, deliberation_id, municipality=municipality)
    return redirect(deliberation.get_absolute_url())


@require_GET
def export(request: HttpRequest, slug: str, deliberation_id: int, name: str) -> HttpResponse:
    municipality = access_municipality(request.user, slug)
    access_deliberation(request.user, deliberation_id, municipality=municipality)
    raise NotFound()
