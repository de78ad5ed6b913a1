"""The installable app's server side (core/pwa.py): the manifests every page links, the service
worker's script and what it keeps, the pages that name nobody, the session state the device's outbox
asks for, and a report sent twice from the device with the same key filed once, however its
multipart body is cut. The browser's side is tests/e2e/test_app_offline.py."""

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from veche.accounts.models import User
from veche.core.pwa import ANONYMOUS, ICONS, account_marker
from veche.core.testing import jpeg_bytes, text_in
from veche.municipalities.models import Municipality
from veche.reports.models import Report

LANGUAGES = ["ru", "en"]


def page_marker(html: str) -> str:
    found = re.search(r'<body[^>]*\sdata-account="([^"]*)"', html)
    assert found, "the page's body carries no account marker"
    return found.group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_municipality_page_links_its_manifest_which_opens_on_it(
    client: Client, municipality: Municipality, language: str
) -> None:
    page = client.get(f"/m/{municipality.slug}/", HTTP_ACCEPT_LANGUAGE=language)
    assert f'<link rel="manifest" href="/m/{municipality.slug}/manifest.webmanifest">' in page.text
    assert '<meta name="theme-color" content="#0b5cad">' in page.text

    response = client.get(f"/m/{municipality.slug}/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    title = "Тестоград" if language == "ru" else "Testgrad"
    assert manifest["name"] == f"{title} · {text_in(language, 'Veche')}"
    assert manifest["short_name"] == title
    assert manifest["lang"] == language
    assert (manifest["start_url"], manifest["id"], manifest["scope"]) == (f"/m/{municipality.slug}/",) * 2 + (
        "/",
    )
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5cad"
    assert manifest["shortcuts"] == [
        {
            "name": text_in(language, "Report a problem"),
            "url": f"/m/{municipality.slug}/reports/new/",
            "icons": [{"src": "/static/veche/icons/icon-192.png", "sizes": "192x192", "type": "image/png"}],
        }
    ]


def test_the_manifest_icons_are_pngs_of_the_sizes_they_say(client: Client) -> None:
    manifest = client.get("/manifest.webmanifest").json()
    pngs = [icon for icon in manifest["icons"] if icon["type"] == "image/png"]
    assert {(icon["sizes"], icon["purpose"]) for icon in pngs} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    assert len(pngs) == len(ICONS)
    for icon in pngs:
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert isinstance(found, str), icon
        with Image.open(found) as image:
            assert (image.format, "x".join(map(str, image.size))) == ("PNG", icon["sizes"])


def test_the_home_page_links_the_platforms_manifest(client: Client, db: None) -> None:
    assert '<link rel="manifest" href="/manifest.webmanifest">' in client.get("/").text
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["start_url"] == "/"
    assert manifest["shortcuts"] == []


def test_no_manifest_for_a_municipality_that_is_not_there(client: Client, municipality: Municipality) -> None:
    assert client.get("/m/nowhere/manifest.webmanifest").status_code == 404
    municipality.is_active = False
    municipality.save(update_fields=["is_active"])
    assert client.get(f"/m/{municipality.slug}/manifest.webmanifest").status_code == 404
    assert client.post("/manifest.webmanifest").status_code == 405


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_service_worker_serves_the_whole_site_and_keeps_the_shell(client: Client, language: str) -> None:
    response = client.get(f"/sw.js?lang={language}", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    config = json.loads(re.search(r"^const CONFIG = (.*);$", response.text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert config["offline"] == "/offline/"
    assert config["logout"] == "/accounts/logout/"
    assert config["anonymous"] == ANONYMOUS
    assert "{%" not in response.text and "{{" not in response.text
    # Every file of the shell is there to keep: a missing one would fail the worker's installation.
    for url in config["shell"]:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
        else:
            assert client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200, url
    # The worker's text changes with the language, so that a switch installs the shell in it anew.
    other = client.get("/sw.js", HTTP_ACCEPT_LANGUAGE="en" if language == "ru" else "ru")
    assert other.text != response.text


def test_the_worker_never_keeps_staff_admin_api_or_account_pages(client: Client) -> None:
    text = client.get("/sw.js").text
    never = re.search(r"^const NEVER = \[(.*?)\];", text, re.MULTILINE | re.DOTALL).group(1)  # type: ignore[union-attr]
    for fragment in (r"^\/admin\/", r"^\/api\/", r"^\/m\/[^/]+\/staff\/", r"^\/accounts\/(?!activity\/)"):
        assert fragment in never


@pytest.mark.parametrize("path", ["/offline/", "/device/"])
def test_the_devices_own_pages_name_nobody(
    client_for: Callable[..., Client], make_user: Callable[..., User], path: str
) -> None:
    anna = make_user("anna_private")
    page = client_for(anna).get(path)
    assert page.status_code == 200
    assert "anna_private" not in page.text
    assert page_marker(page.text) == ""
    assert 'id="outbox-list"' in page.text


def test_the_account_marker_is_the_same_for_a_person_and_tells_nobody_who(
    client_for: Callable[..., Client], make_user: Callable[..., User], municipality: Municipality
) -> None:
    anna, boris = make_user("anna"), make_user("boris")
    anna_page = client_for(anna).get(f"/m/{municipality.slug}/").text
    marker = page_marker(anna_page)
    assert marker == account_marker(anna) == page_marker(client_for(anna).get("/").text)
    assert marker not in (ANONYMOUS, "", str(anna.pk), anna.username)
    assert page_marker(client_for(boris).get("/").text) not in (marker, ANONYMOUS)
    assert page_marker(client_for(None).get("/").text) == ANONYMOUS


def test_the_session_state_gives_a_fresh_token_and_whose_session_it_is(
    make_user: Callable[..., User],
) -> None:
    anna = make_user("anna")
    browser = Client(enforce_csrf_checks=True)
    response = browser.get("/device/session")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response.json()["account"] == ANONYMOUS and response.json()["signed_in"] is False
    browser.force_login(anna)
    state = browser.get("/device/session").json()
    assert (state["account"], state["signed_in"]) == (account_marker(anna), True)
    # The token it gives is good for a write of this session.
    answer = browser.post("/notifications/read/", HTTP_X_CSRFTOKEN=state["csrf"])
    assert answer.status_code != 403
    assert browser.post("/notifications/read/", HTTP_X_CSRFTOKEN="x" * 64).status_code == 403


def _camera_jpeg(seed: int) -> bytes:
    """A photo as heavy as a phone's after shrinking: 1600 x 1200 px of detail, about 1 MB."""
    out = io.BytesIO()
    Image.effect_noise((1600, 1200), 60 + seed).convert("RGB").save(out, format="JPEG", quality=90)
    return out.getvalue()


def test_a_report_with_photos_heavier_than_a_form_in_memory_is_filed_once_and_replayed(
    make_user: Callable[..., User], municipality: Municipality, settings: Any
) -> None:
    """The key's fingerprint streams the files: a body past DATA_UPLOAD_MAX_MEMORY_SIZE (three
    photos, over 2.5 MB) is filed, and its resend replayed, as the site's form takes it."""
    anna = make_user("anna")
    phone = Client()
    phone.force_login(anna)
    photos = [_camera_jpeg(n) for n in range(3)]
    assert sum(map(len, photos)) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def send() -> Any:
        return phone.post(
            f"/api/v1/municipalities/{municipality.slug}/reports",
            {
                "category": "pothole",
                "latitude": "55.76",
                "longitude": "37.62",
                "description": "Глубокая яма у перехода",
                "photos": [
                    SimpleUploadedFile(f"p{n}.jpg", data, "image/jpeg") for n, data in enumerate(photos)
                ],
            },
            HTTP_IDEMPOTENCY_KEY="heavy-report-key",
        )

    first, again = send(), send()
    assert (first.status_code, again.status_code) == (201, 201), first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Report.objects.get().photos.count() == 3


def test_a_broken_multipart_body_with_a_key_is_a_clear_400(
    make_user: Callable[..., User], municipality: Municipality
) -> None:
    phone = Client()
    phone.force_login(make_user("anna"))
    answer = phone.post(
        f"/api/v1/municipalities/{municipality.slug}/reports",
        b'--x\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n\r\nabc',
        content_type="multipart/form-data; boundary=",
        HTTP_IDEMPOTENCY_KEY="broken-key",
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"
    assert Report.objects.count() == 0


def _multipart(boundary: str, fields: dict[str, str], photo: bytes) -> bytes:
    lines: list[bytes] = []
    for name, value in fields.items():
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"",
            value.encode(),
        ]
    lines += [
        f"--{boundary}".encode(),
        b'Content-Disposition: form-data; name="photos"; filename="photo.jpg"',
        b"Content-Type: image/jpeg",
        b"",
        photo,
        f"--{boundary}--".encode(),
        b"",
    ]
    return b"\r\n".join(lines)


def test_a_report_sent_again_from_the_device_is_filed_once_whatever_its_boundary(
    make_user: Callable[..., User], municipality: Municipality
) -> None:
    anna = make_user("anna")
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(anna)
    token = phone.get("/device/session").json()["csrf"]
    fields = {
        "category": "pothole",
        "latitude": "55.76",
        "longitude": "37.62",
        "description": "Глубокая яма у перехода",
        "district": "d1",
    }
    photo = jpeg_bytes((800, 600))
    url = f"/api/v1/municipalities/{municipality.slug}/reports"

    def send(boundary: str, **changed: str) -> object:
        return phone.post(
            url,
            _multipart(boundary, {**fields, **changed}, photo),
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_X_CSRFTOKEN=token,
            HTTP_IDEMPOTENCY_KEY="5b1c0c8e-device-key",
        )

    first = send("----WebKitFormBoundaryAAAA")
    again = send("----WebKitFormBoundaryZZZZ")
    assert (first.status_code, again.status_code) == (201, 201), first.content  # type: ignore[attr-defined]  # type: ignore[attr-defined]
    assert again.json() == first.json()  # type: ignore[attr-defined]
    assert again["Idempotent-Replayed"] == "true"  # type: ignore[index]
    report = Report.objects.get()
    assert (report.author, report.district.slug, report.photos.count()) == (anna, "d1", 1)  # type: ignore[union-attr]

    # The same key for another report is refused, and files nothing.
    other = send("----WebKitFormBoundaryBBBB", description="Другая яма у остановки")
    assert other.status_code == 422  # type: ignore[attr-defined]
    assert other.json()["error"]["code"] == "idempotency_key_reused"  # type: ignore[attr-defined]
    assert Report.objects.count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_district_that_is_not_the_municipalitys_is_refused_with_its_field(
    api_for: Callable[..., Client], make_user: Callable[..., User], municipality: Municipality, language: str
) -> None:
    answer = api_for(make_user("anna"), language=language).post(
        f"/api/v1/municipalities/{municipality.slug}/reports",
        {
            "category": "pothole",
            "latitude": "55.76",
            "longitude": "37.62",
            "description": "Глубокая яма у перехода",
            "district": "nowhere",
        },
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {
        "district": [text_in(language, "Choose a district from the list.")]
    }
    assert Report.objects.count() == 0


def test_the_report_form_opens_the_camera_and_names_its_choices_for_the_device(
    client_for: Callable[..., Client], make_user: Callable[..., User], municipality: Municipality
) -> None:
    page = client_for(make_user("anna")).get(f"/m/{municipality.slug}/reports/new/")
    assert page.status_code == 200
    photos = re.search(r'<input type="file" name="photos"[^>]*>', page.text)
    assert photos and 'capture="environment"' in photos.group(0) and "multiple" in photos.group(0)
    slugs = json.loads(
        re.search(r'<script id="report-slugs" type="application/json">(.*?)</script>', page.text).group(1)
    )  # type: ignore[union-attr]
    assert set(slugs["categories"].values()) == set(
        municipality.categories.filter(is_active=True).values_list("slug", flat=True)
    )
    assert slugs["districts"] == {str(d.pk): d.slug for d in municipality.districts.all()}
    assert f'data-endpoint="/api/v1/municipalities/{municipality.slug}/reports"' in page.text
