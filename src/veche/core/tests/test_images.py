"""The memory one photo may cost while it is re-encoded, measured in a process of its own."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from veche.core.errors import DomainError
from veche.core.images import MAX_REENCODE_BYTES, MAX_SIDE, reencode_image, reencode_peak_bytes

MB = 1024 * 1024
# The encoders' and decoders' own buffers, and the allocator's rounding, come on top of the pixels.
SLACK = 16 * MB

MEASURE = """
import json, sys
import django
django.setup()
from django.utils import translation
translation.activate("en")
from django.core.files.uploadedfile import SimpleUploadedFile
from veche.core.errors import DomainError
from veche.core.images import reencode_image
data = open(sys.argv[1], "rb").read()
upload = SimpleUploadedFile("photo", data)
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
# Linux: writing 5 resets the peak resident size (VmHWM) to the present one.
with open("/proc/self/clear_refs", "w") as reset:
    reset.write("5")
before = status("VmRSS")
try:
    size = len(reencode_image(upload).read())
    outcome = "kept"
except DomainError as error:
    size, outcome = 0, error.fields["photos"][0]
print(json.dumps({"outcome": outcome, "peak": status("VmHWM") - before, "size": size}))
"""


def encoded(image: Image.Image, format: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **options)
    return out.getvalue()


def peak_of_reencoding(path: Path) -> dict[str, object]:
    """What re-encoding the file costs a fresh process: the rise of its peak resident memory."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", MEASURE, str(path)], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    print(path.name, result)
    return result


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("photos")
    made = {
        # The probe's photo: 154 KB on the wire, 6000 x 6600 pixels, just under the 40-megapixel cap.
        "huge.png": encoded(Image.new("RGB", (6000, 6600), (200, 40, 40)), "PNG"),
        "huge-palette.png": encoded(Image.new("P", (6000, 6600), 3), "PNG"),
        # A camera photo of the same size is decoded at half scale and kept.
        "huge.jpg": encoded(Image.new("RGB", (6000, 6600), (40, 200, 40)), "JPEG", quality=80),
        # Close to the largest PNGs that fit: 16 megapixels of RGB, 9 of RGBA.
        "fits.png": encoded(Image.new("RGB", (4000, 4000), (40, 40, 200)), "PNG"),
        "fits-alpha.png": encoded(Image.new("RGBA", (3000, 3000), (40, 40, 200, 128)), "PNG"),
    }
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made}


@pytest.mark.parametrize("name", ["huge.png", "huge-palette.png"])
def test_a_png_whose_pixels_exceed_the_budget_is_refused_before_it_is_decoded(photos, name):
    result = peak_of_reencoding(photos[name])

    assert result["outcome"] == "The photo has too many pixels."
    # Refused from its header: the pixels (158 MB) were never decoded.
    assert result["peak"] < 16 * MB


@pytest.mark.parametrize("name", ["huge.jpg", "fits.png", "fits-alpha.png"])
def test_a_photo_within_the_budget_is_kept_and_costs_at_most_the_budget(photos, name):
    result = peak_of_reencoding(photos[name])

    assert result["outcome"] == "kept"
    assert result["size"] > 0
    assert result["peak"] <= MAX_REENCODE_BYTES + SLACK


@pytest.mark.parametrize(
    ("mode", "size", "peak"),
    [
        # Decoded at half scale (3000 x 3300), shrunk to 2327 x 2560.
        ("RGB", (3000, 3300), (3000 * 3300 + 2327 * 3300 + 2327 * 2560) * 4),
        # Nothing to shrink: the pixels alone.
        ("RGB", (2000, 1000), 2000 * 1000 * 4),
        # A palette: 1 byte a pixel, and the RGB copy made before shrinking.
        ("P", (6000, 6600), 6000 * 6600 * 5 + (2327 * 6600 + 2327 * 2560) * 4),
    ],
)
def test_the_estimate_adds_the_copies_the_re_encoding_makes(mode, size, peak):
    assert reencode_peak_bytes(mode, size) == peak


def test_a_jpeg_decoded_at_reduced_scale_still_keeps_2560_pixels_on_its_longest_side(photos):
    from django.core.files.uploadedfile import SimpleUploadedFile

    kept = reencode_image(SimpleUploadedFile("photo.jpg", photos["huge.jpg"].read_bytes()))

    with Image.open(kept) as image:
        assert image.size == (2327, MAX_SIDE)


def test_the_budget_counts_the_colour_copy_a_palette_image_needs():
    # 4500 x 4500 in a palette is 20 MB decoded, 142 MB with the RGB copy it must be shrunk from.
    data = encoded(Image.new("P", (4500, 4500), 1), "PNG")
    from django.core.files.uploadedfile import SimpleUploadedFile

    with translation.override("en"), pytest.raises(DomainError) as refused:
        reencode_image(SimpleUploadedFile("photo.png", data))

    assert refused.value.fields == {"photos": ["The photo has too many pixels."]}
