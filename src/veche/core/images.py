"""Uploaded images, re-encoded: a fresh JPEG from the pixels alone, without EXIF or GPS data."""

import io
import warnings

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from veche.core.errors import DomainError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
# What re-encoding one photo may cost at its largest moment (a worker takes 5 photos a report,
# 60 writes a minute). A JPEG is decoded already scaled down (draft mode), so a 48-megapixel camera
# photo fits in about 100 MB; formats that cannot be decoded smaller must fit as they are: about
# 16 megapixels of RGB or 9 of RGBA. The 154 KB PNG of 6000 x 6600 pixels that cost ~450 MB is refused
# from its header, before a pixel is decoded. tests: veche/core/tests/test_images.py measures it.
MAX_REENCODE_BYTES = 128 * 1024 * 1024
# Bytes a pixel takes once decoded, by Pillow mode; RGB is stored in 4 bytes, like RGBA.
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2}
# Modes that are given colours before shrinking (they only resize pixel by pixel).
_COLOURED_FIRST = {"1", "P", "PA", "I;16"}
# Modes whose resize works on a premultiplied copy.
_ALPHA = {"RGBA", "LA"}


def decoded_bytes(mode: str, size: tuple[int, int]) -> int:
    """Memory the pixels of an image of this mode and size take when decoded by Pillow."""
    width, height = size
    return width * height * _BYTES_PER_PIXEL.get(mode, 4)


def reencode_peak_bytes(mode: str, size: tuple[int, int]) -> int:
    """The memory `reencode_image` holds at once for pixels of this mode and (decoded) size.

    The decoded pixels; an RGB copy for modes given colours first, or the premultiplied copy that
    resizing an image with alpha makes; the half-shrunk pass of the resize; the shrunk result.
    """
    width, height = size
    scale = min(1.0, MAX_SIDE / max(width, height))
    shrunk = (max(1, round(width * scale)), max(1, round(height * scale)))
    peak = decoded_bytes(mode, size)
    if mode in _COLOURED_FIRST or mode in _ALPHA:
        peak += decoded_bytes("RGB", size)
    if scale < 1:
        peak += decoded_bytes("RGB", (shrunk[0], height)) + decoded_bytes("RGB", shrunk)
    return peak


def reencode_image(upload: UploadedFile, *, field: str = "photos") -> "ContentFile[bytes]":
    """Check an upload is a real, reasonably sized image and return it re-encoded as JPEG."""
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(fields={field: [_("A photo may be at most 10 MB.")]})
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise DomainError(fields={field: [_("Send a JPEG, PNG, WebP or GIF photo.")]})
                if probe.width * probe.height > MAX_PIXELS:
                    raise DomainError(fields={field: [_("The photo has too many pixels.")]})
                probe.verify()
            with Image.open(io.BytesIO(data)) as source:
                if source.format in {"JPEG", "MPO"}:
                    # Decode at 1/2, 1/4 or 1/8 scale while still at least MAX_SIDE on a side.
                    source.draft("RGB", (MAX_SIDE, MAX_SIDE))
                if reencode_peak_bytes(source.mode, source.size) > MAX_REENCODE_BYTES:
                    raise DomainError(fields={field: [_("The photo has too many pixels.")]})
                source.load()
                # Palette and 1-bit images only resize pixel by pixel: give them colours first.
                pixels = source.convert("RGB") if source.mode in _COLOURED_FIRST else source
                # Shrunk before anything else is copied; the box is square, so the turn applied
                # next cannot take a side past MAX_SIDE.
                pixels.thumbnail((MAX_SIDE, MAX_SIDE))
                if pixels is not source:
                    pixels.info = source.info
                ImageOps.exif_transpose(pixels, in_place=True)
                pixels = pixels.convert("RGB")
                out = io.BytesIO()
                # A new file from the pixels only: no EXIF, GPS or comments travel with it.
                pixels.save(out, format="JPEG", quality=85, optimize=True)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(fields={field: [_("The photo has too many pixels.")]}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DomainError(fields={field: [_("This file is not an image we can read.")]}) from None
    return ContentFile(out.getvalue(), name="photo.jpg")
