"""Production settings for serving Veche on one's own machine: `make run` (scripts/serve.sh).

Everything is as in production (DEBUG off, gunicorn, WhiteNoise with compressed, far-future cached
static files, the friendly error pages) except what plain HTTP on the loopback interface forbids:
no redirect to HTTPS, no HSTS and no `Secure` cookies, since a browser neither sends `Secure`
cookies over http://127.0.0.1 nor may a loopback server have a certificate it trusts. Nothing but
this machine can reach a server bound to 127.0.0.1, so no one can read these cookies on the way.
The secret key is made once into var/secret_key (0600) and reused, unless SECRET_KEY is given.
"""

from . import base
from .keyfile import secret_key_from_file

if not base.SECRET_KEY:
    # Set before prod is imported: prod refuses to start without a key.
    base.SECRET_KEY = secret_key_from_file(base.DATA_DIR / "secret_key")

from .prod import *  # noqa: F403
from .prod import LOGGING, STORAGES, env, env_bool, env_list

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
# No proxy in front: a header claiming HTTPS would be the client's own word.
SECURE_PROXY_SSL_HEADER = None
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
# No nginx in front to serve uploads: Django serves var/media itself (veche/urls.py).
VECHE_SERVE_MEDIA = env_bool("VECHE_SERVE_MEDIA", True)
# Gzip only: over loopback the bytes cost nothing, and Brotli at its best quality takes minutes of
# CPU on the API documentation's bundles on a small machine (production keeps both).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "veche.core.staticfiles.GzipManifestStaticFilesStorage"}}
# A person reads this server's log in their terminal: lines of text unless LOG_FORMAT says "json".
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", "text")
