"""Settings shared by every environment; every value that differs comes from the environment."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Generic Django classes (ModelAdmin[Report], ModelForm[Category]) can be subscripted at run time.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where the embedded database and uploads live when nothing else is configured.
DATA_DIR = Path(os.environ.get("VECHE_DATA_DIR", PACKAGE_DIR.parent.parent / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Before the admin, so that the admin shows each translated field once per language.
    "modeltranslation",
    "django.contrib.admin",
    # Before django.contrib.auth, so that its `changepassword` (which also revokes API tokens) wins.
    "veche.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "veche.core",
    "veche.municipalities",
    "veche.access",
    "veche.comments",
    "veche.moderation",
    "veche.notifications",
    "veche.ledger",
    "veche.reports",
    "veche.open311",
    "veche.appeals",
    "veche.polls",
    "veche.initiatives",
    "veche.budgeting",
    "veche.crowdprojects",
    "veche.funding",
    "veche.drafting",
    "veche.meetings",
    "veche.deliberation",
    "veche.analytics",
    # After the wings: its demo gives a few of their residents' consent to the public boards.
    "veche.recognition",
    "veche.api",
    "veche.ops",
]

MIDDLEWARE = [
    # First: the request id, the access line and the request metrics see every answer.
    "veche.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "veche.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "veche.municipalities.middleware.MunicipalClockMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "veche.accounts.middleware.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "veche.core.idempotency.IdempotencyMiddleware",
    "veche.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "veche.urls"
WSGI_APPLICATION = "veche.wsgi.application"

# An operator's own templates come first, so a file there (such as accounts/legal/terms_ru.html)
# replaces the package's one of the same name.
TEMPLATE_OVERRIDES = [Path(env("VECHE_TEMPLATE_DIR"))] if env("VECHE_TEMPLATE_DIR") else []
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [*TEMPLATE_OVERRIDES, PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "veche.core.context_processors.site",
            ],
        },
    },
]

DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'veche.sqlite3'}")


def database_from_url(url: str) -> dict[str, Any]:
    """One database from a URL; SQLite gets WAL, IMMEDIATE write transactions and a busy timeout."""
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 0)))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
        }
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
# A read replica (docs/architecture.md, "Read replica"): reads that may lag (analytics, open data)
# go there inside `veche.core.dbrouter.replica_reads()`; every other read and every write stay on
# "default". Without the variable there is no router and no second database.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.sqlite3":
        # A write routed there by mistake fails loudly instead of forking the data.
        DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c default_transaction_read_only=on"
    DATABASE_ROUTERS = ["veche.core.dbrouter.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["veche.accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
EMAIL_CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3
# The operator of the personal data (152-FZ): named in the consent text that sign-up asks for.
# An operator who overrides the consent template (accounts/legal/consent_<lang>.html) changes
# VECHE_CONSENT_VERSION too, so each account records which text its holder agreed to.
VECHE_OPERATOR_NAME = env("VECHE_OPERATOR_NAME", "")
VECHE_OPERATOR_CONTACT = env("VECHE_OPERATOR_CONTACT", "")
VECHE_CONSENT_VERSION = env("VECHE_CONSENT_VERSION", "2026-12-07")

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Numbers are not grouped by thousands by default: an id in a URL or a value in a form must stay
# plain. Quantities for people are grouped by the `quantity` filter (veche.core.templatetags.veche).
USE_THOUSAND_SEPARATOR = False
# Texts staff give in both languages (veche/*/translation.py): Russian is required, and shown
# whenever the English one is empty.
MODELTRANSLATION_DEFAULT_LANGUAGE = "ru"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ru",)
TIME_ZONE = env("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks: eager (in the request's process, after commit) unless a broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# With acks_late, a task held by a worker that died goes back to the queue after this many seconds
# (Redis' default is an hour). Every task is idempotent, so one that outlives it and runs twice is safe.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)}
CELERY_TASK_SERIALIZER = "json"
# With a broker, `celery -A veche beat` runs these; without one, run `veche reports tick`,
# `veche initiatives tick`, `veche polls tick`, `veche funding settle`, `veche appeals tick` and
# `veche deliberation tick` from cron.
CELERY_BEAT_SCHEDULE = {
    name: {"task": task, "schedule": 3600.0}
    for name, task in (
        ("escalate-overdue-reports", "veche.reports.tasks.escalate_overdue_reports"),
        ("close-unconfirmed-reports", "veche.reports.tasks.close_unconfirmed_reports"),
        ("advance-map-overdue-day", "veche.reports.tasks.advance_map_overdue_day"),
        ("initiatives-tick", "veche.initiatives.tasks.initiatives_tick"),
        ("polls-tick", "veche.polls.tasks.polls_tick"),
        ("projects-tick", "veche.crowdprojects.tasks.projects_tick"),
        ("funding-settle", "veche.funding.tasks.campaigns_settle"),
        ("escalate-overdue-appeals", "veche.appeals.tasks.escalate_overdue_appeals"),
    )
}
# Opinion maps out of date (votes since and older than DELIBERATION_MAP_MAX_AGE) are recomputed often.
CELERY_BEAT_SCHEDULE["deliberation-tick"] = {
    "task": "veche.deliberation.tasks.deliberation_tick",
    "schedule": 60.0,
}
# Analytics adds the activity since its last run to its roll-ups (veche/analytics/sources.py).
CELERY_BEAT_SCHEDULE["analytics-rollup"] = {
    "task": "veche.analytics.tasks.rollup",
    "schedule": 300.0,
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Veche <noreply@localhost>")

# One-time verification codes travel by letter or SMS through a pluggable backend.
VERIFICATION_CODE_BACKEND = env(
    "VERIFICATION_CODE_BACKEND", "veche.accounts.verification.backends.ConsoleBackend"
)
VERIFICATION_PROVIDERS = env_list(
    "VERIFICATION_PROVIDERS",
    "veche.accounts.verification.providers.InPersonProvider,"
    "veche.accounts.verification.providers.LetterCodeProvider,"
    "veche.accounts.verification.providers.SmsCodeProvider",
)
VERIFICATION_CODE_TTL = 60 * 60 * 24 * 30
VERIFICATION_CODE_ATTEMPTS = 5

# Rate limits: "count/seconds" per scope; the database holds the counters unless Redis is set.
RATE_LIMITS = {
    "login": "10/300",
    "signup": "5/3600",
    "password_reset": "5/3600",
    "token": "10/300",
    "write": "60/60",
    "flag": "30/3600",
    "verification_code": "5/86400",
    "open311": "120/60",
    "geocode": "30/60",
    # Similar ideas while a person types (stems every idea of a project): 2 a second, bursts allowed.
    "similar": "120/60",
    # Public reads that cost computation: comparing two versions of a drafted document.
    "compare": "30/60",
}
RATE_LIMITS_ENABLED = True

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
# A Nominatim-compatible search URL (e.g. https://nominatim.openstreetmap.org/search); empty: the
# report form keeps the address as typed and asks for the district instead of looking it up.
# How pledges to co-financing campaigns are paid: a dotted path to a class (`funding.providers`).
VECHE_PAYMENT_PROVIDER = env("VECHE_PAYMENT_PROVIDER", "veche.funding.providers.ManualTreasury")
VECHE_GEOCODER_URL = env("VECHE_GEOCODER_URL", "")
VECHE_GEOCODER_TIMEOUT = float(env("VECHE_GEOCODER_TIMEOUT", "4"))

# Limits on what a person may type; longer input is refused, never truncated.
TEXT_MAX_LENGTH = 4000

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Log lines: "json" (one object per line, docs/operations.md) or "text"; settings.prod makes json the default.
LOG_FORMAT = env("LOG_FORMAT", "text")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "veche.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "veche.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"celery": {"level": "WARNING"}},
}

# GET /metrics answers these addresses (networks allowed), or a request with X-Metrics-Token equal
# to METRICS_TOKEN when that is set; anyone else gets 404.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = env("METRICS_TOKEN")
# A load balancer probes these over plain HTTP (settings.prod redirects everything else to HTTPS).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Opinion maps (veche.deliberation): a vote asks for a recompute after this many votes since the map,
# or when the map is older than DELIBERATION_MAP_MAX_AGE seconds and any vote came since; the beat
# tick recomputes the maps left out of date.
DELIBERATION_RECOMPUTE_VOTES = env_int("DELIBERATION_RECOMPUTE_VOTES", 50)
DELIBERATION_MAP_MAX_AGE = env_int("DELIBERATION_MAP_MAX_AGE", 60)
