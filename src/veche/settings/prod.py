"""Production: secrets and hosts must be given; HTTPS everywhere; static files compressed."""

import importlib.util
import os

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from .base import *  # noqa: F403
from .base import LOGGING, SECRET_KEY, env, env_bool, env_int
from .media import S3, media_storage

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

try:
    _media = media_storage(os.environ)
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
if _media["BACKEND"] == S3 and importlib.util.find_spec("storages") is None:
    raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs the s3 extra: pip install 'veche[s3]'.")
STORAGES = {
    "default": _media,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps are fetched by a developer's tools only: not worth compressing at every deployment.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Uploads on this machine's disk are served by nginx (docs/deployment.md), or by Django itself when
# nothing is in front (settings.local, or VECHE_SERVE_MEDIA=1).
VECHE_SERVE_MEDIA = env_bool("VECHE_SERVE_MEDIA", False)
# One JSON object per log line unless LOG_FORMAT says "text" (docs/operations.md).
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", "json")
