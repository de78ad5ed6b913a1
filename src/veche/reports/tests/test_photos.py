"""Photos of reports: what is kept of an upload (a fresh JPEG, nothing else) and what is refused."""

import io
import re
from collections.abc import Callable

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from PIL import Image

from veche.accounts.models import User
from veche.core.images import MAX_SIDE, MAX_UPLOAD_BYTES
from veche.core.testing import jpeg_bytes
from veche.municipalities.models import Municipality
from veche.reports.models import Report, ReportEvent, ReportPhoto, Status

pytestmark = pytest.mark.django_db


def encoded(image: Image.Image, format: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **params)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(municipality: Municipality) -> list[str]:
    try:
        return default_storage.listdir(f"reports/{municipality.pk}")[1]
    except FileNotFoundError:
        return []


def file_report(
    browser: Callable[..., Client], municipality: Municipality, user: User, *photos: SimpleUploadedFile
) -> HttpResponse:
    return browser(user).post(
        f"/m/{municipality.slug}/reports/new/",
        {
            "category": municipality.categories.get(slug="pothole").pk,
            "latitude": "55.75",
            "longitude": "37.61",
            "description": "A deep hole",
            "photos": list(photos),
        },
    )


def stored_image(photo: ReportPhoto) -> tuple[bytes, Image.Image]:
    with photo.image.open("rb") as file:
        data = file.read()
    return data, Image.open(io.BytesIO(data))


def test_a_photo_is_kept_as_a_new_jpeg_with_a_random_name_and_no_exif(browser, municipality, resident):
    original = jpeg_bytes((640, 480), exif_gps=True)
    assert b"SecretCam" in original  # the upload does carry the camera and GPS data

    response = file_report(browser, municipality, resident, upload("my-street-IMG_0042.jpg", original))

    assert response.status_code == 302
    photo = Report.objects.get().photos.get()
    assert re.fullmatch(rf"reports/{municipality.pk}/[0-9a-f]{{32}}\.jpg", photo.image.name)
    data, image = stored_image(photo)
    assert image.format == "JPEG"
    assert (image.width, image.height) == (photo.width, photo.height) == (640, 480)
    assert not image.getexif()
    assert b"SecretCam" not in data
    assert b"Exif\x00\x00" not in data
    assert "IMG_0042" not in photo.image.name


def test_the_orientation_is_applied_to_the_pixels(browser, municipality, resident):
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show rotated 90° clockwise
    wide = Image.new("RGB", (80, 40), (255, 0, 0))
    wide.paste((0, 0, 255), (0, 0, 40, 40))  # left half blue

    response = file_report(
        browser, municipality, resident, upload("turned.jpg", encoded(wide, "JPEG", exif=exif))
    )

    assert response.status_code == 302
    _data, image = stored_image(Report.objects.get().photos.get())
    assert (image.width, image.height) == (40, 80)
    top, bottom = image.getpixel((20, 10)), image.getpixel((20, 70))
    assert top[2] > 200 and top[0] < 60  # what was on the left is now on top
    assert bottom[0] > 200 and bottom[2] < 60


@pytest.mark.parametrize(
    ("size", "kept"),
    [((3000, 1200), (MAX_SIDE, 1024)), ((1200, 4000), (768, MAX_SIDE)), ((2560, 100), (2560, 100))],
)
def test_the_longest_side_is_at_most_2560(browser, municipality, resident, size, kept):
    big = Image.new("RGBA", size, (10, 120, 200, 128))

    response = file_report(
        browser, municipality, resident, upload("big.png", encoded(big, "PNG"), "image/png")
    )

    assert response.status_code == 302
    photo = Report.objects.get().photos.get()
    _data, image = stored_image(photo)
    assert (image.format, image.mode) == ("JPEG", "RGB")
    assert (image.width, image.height) == (photo.width, photo.height) == kept


@pytest.mark.parametrize("format", ["PNG", "WEBP", "GIF", "BMP", "TIFF"])
def test_jpeg_png_webp_and_gif_are_taken_other_formats_are_not(browser, municipality, resident, format):
    content = encoded(Image.new("RGB", (50, 30), (0, 128, 0)), format)

    response = file_report(browser, municipality, resident, upload(f"photo.{format.lower()}", content))

    if format in ("PNG", "WEBP", "GIF"):
        assert response.status_code == 302
        _data, image = stored_image(Report.objects.get().photos.get())
        assert image.format == "JPEG"
    else:
        assert response.status_code == 400
        assert response.context["form"].errors["photos"] == ["Send a JPEG, PNG, WebP or GIF photo."]
        assert not Report.objects.exists()


def _noisy_jpeg() -> bytes:
    return encoded(Image.effect_noise((800, 600), 80).convert("RGB"), "JPEG", quality=95)


BAD_UPLOADS: dict[str, tuple[Callable[[], bytes], str]] = {
    "over 10 MB": (
        lambda: jpeg_bytes() + b"\0" * (MAX_UPLOAD_BYTES + 1 - len(jpeg_bytes())),
        "A photo may be at most 10 MB.",
    ),
    "text named .jpg": (
        lambda: b"Hello, this is not a picture at all.\n" * 20,
        "This file is not an image we can read.",
    ),
    "empty": (lambda: b"", "The submitted file is empty."),
    "truncated JPEG": (
        lambda: _noisy_jpeg()[: len(_noisy_jpeg()) // 2],
        "This file is not an image we can read.",
    ),
    "49 Mpx PNG": (lambda: encoded(Image.new("L", (7000, 7000)), "PNG"), "The photo has too many pixels."),
    "144 Mpx PNG bomb": (
        lambda: encoded(Image.new("L", (12000, 12000)), "PNG"),
        "The photo has too many pixels.",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_with_a_field_message_and_nothing_is_stored(
    browser, municipality, resident, photo, kind
):
    make, message = BAD_UPLOADS[kind]
    before = stored_files(municipality)

    response = file_report(browser, municipality, resident, photo("good.jpg"), upload("photo.jpg", make()))

    assert response.status_code == 400
    errors = response.context["form"].errors["photos"]
    assert len(errors) == 1 and errors[0].startswith(message)
    assert message in response.content.decode()
    assert not Report.objects.exists()
    assert not ReportPhoto.objects.exists()
    assert stored_files(municipality) == before


def test_a_decompression_bomb_is_refused_for_its_size(browser, municipality, resident):
    bomb = upload("bomb.png", encoded(Image.new("L", (12000, 12000)), "PNG"), "image/png")

    response = file_report(browser, municipality, resident, bomb)

    assert response.context["form"].errors["photos"] == ["The photo has too many pixels."]


def test_a_bad_photo_of_the_result_leaves_the_report_unanswered(
    browser, municipality, resident, official, routed
):
    report = routed(resident)

    response = browser(official).post(
        f"/m/{municipality.slug}/reports/{report.pk}/resolve/",
        {"note": "Fixed", "photos": [upload("result.jpg", b"not a picture")]},
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ROUTED
    assert not report.photos.exists()
    assert not ReportEvent.objects.filter(report=report, kind="resolved").exists()
