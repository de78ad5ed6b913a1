"""Looking an address up in a Nominatim-compatible geocoder (VECHE_GEOCODER_URL), within a box.

The browser never talks to the geocoder itself: the server forwards the query, so that the
geocoder sees neither the resident's address nor their cookies, and so that its answer is checked.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings

MAX_CANDIDATES = 5
MAX_ANSWER_BYTES = 512 * 1024


@dataclass(frozen=True)
class Candidate:
    label: str
    latitude: float
    longitude: float


class GeocoderUnavailable(Exception):
    """The geocoder did not answer in time, or answered with something that is not a result list."""


def geocode(query: str, *, box: tuple[float, float, float, float], language: str) -> list[Candidate]:
    """Up to MAX_CANDIDATES places for `query` inside `box` (west, south, east, north)."""
    west, south, east, north = box
    params = {
        "q": query,
        "format": "jsonv2",
        "limit": MAX_CANDIDATES,
        "viewbox": f"{west},{north},{east},{south}",
        "bounded": 1,
        "accept-language": language,
    }
    url = settings.VECHE_GEOCODER_URL
    if not url.startswith(("http://", "https://")):
        raise GeocoderUnavailable("VECHE_GEOCODER_URL is not an http(s) URL")
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting, http(s) only
        f"{url}{'&' if '?' in url else '?'}{urlencode(params)}",
        headers={"User-Agent": f"Veche ({settings.SITE_URL})", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.VECHE_GEOCODER_TIMEOUT) as answer:  # noqa: S310
            rows = json.loads(answer.read(MAX_ANSWER_BYTES))
    # URLError, timeouts and HTTP errors are OSErrors; JSON nested too deep is a RecursionError.
    except (OSError, ValueError, RecursionError) as error:
        raise GeocoderUnavailable(str(error)) from error
    if not isinstance(rows, list):
        raise GeocoderUnavailable("not a list")
    found = []
    for row in rows:
        try:
            candidate = Candidate(str(row["display_name"])[:300], float(row["lat"]), float(row["lon"]))
        except (KeyError, TypeError, ValueError):
            continue
        if south <= candidate.latitude <= north and west <= candidate.longitude <= east:
            found.append(candidate)
    return found[:MAX_CANDIDATES]
