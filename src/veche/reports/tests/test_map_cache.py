"""The public map's clusters by map tile: whole tiles, cached for a minute only when they were costly."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.reports import selectors

pytestmark = pytest.mark.django_db

# At zoom 12 a map tile is 360 / 2**12 degrees: the tile of (55.75, 37.61) spans latitudes
# 55.7227-55.8105 and longitudes 37.5293-37.6172.
POINT = {"latitude": 55.75, "longitude": 37.61}
BOX = {"bbox": "55.6,37.4,55.9,37.8", "zoom": "12"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def clusters(client, municipality, query):
    response = client.get(f"/m/{municipality.slug}/reports/map.json", query)
    assert response.status_code == 200
    return sorted((c["count"], c["open"]) for c in response.json()["clusters"])


def test_the_tiles_a_box_touches_count_whole(browser, municipality, resident, routed):
    routed(resident, **POINT)

    # The first box ends 2 km south of the report, inside the report's tile; the second, below it.
    assert clusters(browser(), municipality, {"bbox": "55.6,37.5,55.73,37.6", "zoom": "12"}) == [(1, 1)]
    assert clusters(browser(), municipality, {"bbox": "55.6,37.5,55.72,37.6", "zoom": "12"}) == []


def test_small_answers_are_read_fresh(browser, municipality, resident, routed):
    client = browser()
    routed(resident, **POINT)
    assert clusters(client, municipality, BOX) == [(1, 1)]

    routed(resident, **POINT)

    assert clusters(client, municipality, BOX) == [(2, 2)]


def test_costly_answers_are_cached_by_tile_and_a_pan_reuses_them(
    browser, municipality, resident, routed, monkeypatch
):
    monkeypatch.setattr(selectors, "MAP_CACHE_FROM", 1)
    client = browser()
    routed(resident, **POINT)
    assert clusters(client, municipality, BOX) == [(1, 1)]
    routed(resident, **POINT)

    with CaptureQueriesContext(connection) as queries:
        panned = clusters(client, municipality, {"bbox": "55.65,37.45,55.85,37.7", "zoom": "12"})
    other_filter = clusters(client, municipality, {**BOX, "status": "routed"})
    cache.clear()
    fresh = clusters(client, municipality, BOX)

    assert panned == [(1, 1)]  # the tiles of the first answer, not yet the second report
    assert not any("reports_report" in q["sql"] for q in queries.captured_queries)
    assert other_filter == [(2, 2)]  # other filters, other tiles
    assert fresh == [(2, 2)]


def test_a_box_of_too_many_tiles_is_not_cached(browser, municipality, resident, routed, monkeypatch):
    monkeypatch.setattr(selectors, "MAP_CACHE_FROM", 1)
    client = browser()
    routed(resident, **POINT)
    whole_city = {"bbox": "55.0,37.0,56.5,38.5", "zoom": "14"}  # hundreds of tiles at this zoom
    assert clusters(client, municipality, whole_city) == [(1, 1)]

    routed(resident, **POINT)

    assert clusters(client, municipality, whole_city) == [(2, 2)]
