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
                source.load()
                pixels = ImageOps.exif_transpose(source).convert("RGB")
                pixels.thumbnail((MAX_SIDE, MAX_SIDE))
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
