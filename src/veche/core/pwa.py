"""The installable web app: the manifest (one per municipality), the service worker, the offline
page, the page of reports kept on the device, and the session's state for the device's outbox.

The service worker (templates/pwa/sw.js) is served from the site's root so that its scope is the
whole site; its text carries the version of the files it keeps, so that a change of any of them
installs a new worker. What it may keep, and why a cached page never holds a form token or another
account's data, is said in docs/architecture.md "The installable app".
"""

import hashlib
import json
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from veche.access.functions import access_municipality

THEME_COLOR = "#0b5cad"
BACKGROUND_COLOR = "#ffffff"
ANONYMOUS = "anonymous"

# The app shell: what every page needs, kept when the worker installs. Pages come on top as visited.
SHELL_STATIC = (
    "veche/veche.css",
    "django_htmx/htmx-2.min.js",
    "veche/veche.js",
    "veche/app.js",
    "veche/favicon.svg",
    "veche/icons/icon-192.png",
    # A page's own files are kept as it loads them through the worker; the map's marker is drawn
    # only once a place is chosen, perhaps first with no connection, so it is kept from the start.
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet/images/marker-icon-2x.png",
    "vendor/leaflet/images/marker-shadow.png",
)
ICONS = (
    ("veche/icons/icon-192.png", "192x192", "any"),
    ("veche/icons/icon-512.png", "512x512", "any"),
    ("veche/icons/maskable-192.png", "192x192", "maskable"),
    ("veche/icons/maskable-512.png", "512x512", "maskable"),
)


def account_marker(user: Any) -> str:
    """Who the pages a device keeps belong to, without saying who: a keyed hash of the account (the
    same for the same person, different for another). The service worker drops every kept page when
    the marker of a page it fetches differs from the one the kept pages were saved under."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    return salted_hmac("veche.pwa.account", str(user.pk)).hexdigest()[:20]


@lru_cache(maxsize=1)
def _shell_digest() -> str:
    """A digest of the shell's files as found on disk: their change changes the worker's text."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        found = finders.find(name)
        if isinstance(found, str):
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()


def _shell_urls() -> list[str]:
    return [reverse("pwa_offline"), reverse("pwa_device"), *(static(name) for name in SHELL_STATIC)]


@lru_cache(maxsize=8)
def _worker(language: str) -> tuple[str, str]:
    """The worker's text in `language` and its ETag: the same for the life of the process."""
    shell = _shell_urls()
    version = hashlib.sha256("\n".join([_shell_digest(), language, *shell]).encode()).hexdigest()
    config = {
        "version": version[:16],
        "shell": shell,
        "offline": reverse("pwa_offline"),
        "logout": reverse("accounts:logout"),
        # The prefix, not static(""): a storage of hashed names has no entry for "".
        "static": settings.STATIC_URL,
        "anonymous": ANONYMOUS,
    }
    body = render_to_string("pwa/sw.js", {"config": json.dumps(config, sort_keys=True)})
    return body, f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    body, etag = _worker(get_language() or settings.LANGUAGE_CODE)
    # The browser asks for the worker again after visits (its update check): unchanged, it gets an
    # empty 304 rather than the whole text.
    if request.META.get("HTTP_IF_NONE_MATCH") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def _manifest(*, name: str, short_name: str, start_url: str, shortcuts: list[dict[str, Any]]) -> JsonResponse:
    icons: list[dict[str, str]] = [
        {"src": static(src), "sizes": sizes, "type": "image/png", "purpose": purpose}
        for src, sizes, purpose in ICONS
    ]
    icons.append(
        {"src": static("veche/favicon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}
    )
    manifest: dict[str, Any] = {
        "id": start_url,
        "name": name,
        "short_name": short_name,
        "description": _("Veche — a platform for residents to take part in governing their city."),
        "lang": get_language() or "ru",
        "dir": "ltr",
        "start_url": start_url,
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": BACKGROUND_COLOR,
        "theme_color": THEME_COLOR,
        "icons": icons,
        "categories": ["government", "utilities"],
        "shortcuts": shortcuts,
    }
    response = JsonResponse(
        manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    return _manifest(name=_("Veche"), short_name=_("Veche"), start_url=reverse("home"), shortcuts=[])


@require_GET
def municipality_manifest(request: HttpRequest, slug: str) -> JsonResponse:
    """Installed from a municipality's pages, the app opens on that municipality, and the home
    screen's menu of its icon opens the report form in one tap."""
    municipality = access_municipality(request.user, slug)
    report = {
        "name": _("Report a problem"),
        "url": reverse("reports:new", args=[municipality.slug]),
        "icons": [{"src": static("veche/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"}],
    }
    return _manifest(
        name=f"{municipality.title} · {_('Veche')}",
        short_name=municipality.title[:24],
        start_url=reverse("municipality", args=[municipality.slug]),
        shortcuts=[report],
    )


def _as_nobody(request: HttpRequest) -> None:
    # The shell's pages are kept on the device for whoever uses it next: they name nobody.
    request.user = AnonymousUser()


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the app shows for a page it has not kept when there is no connection."""
    _as_nobody(request)
    return render(request, "pwa/device.html", {"offline": True, "device_page": True})


@require_GET
def device(request: HttpRequest) -> HttpResponse:
    """The reports written on this device and their states (filled in by app.js from the device)."""
    _as_nobody(request)
    return render(request, "pwa/device.html", {"offline": False, "device_page": True})


@never_cache
@require_GET
def session(request: HttpRequest) -> JsonResponse:
    """What the device's outbox needs before it sends: whose session this is (reports written under
    another account wait for it) and a form token fresh from this session, never one kept on the device."""
    from django.middleware.csrf import get_token

    return JsonResponse(
        {
            "account": account_marker(request.user),
            "signed_in": bool(request.user.is_authenticated),
            "csrf": get_token(request),
        }
    )
