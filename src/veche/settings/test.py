"""Tests: SQLite in a temporary file, or PostgreSQL through DATABASE_URL; fast hashing, mail in memory."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, env

SECRET_KEY = env("SECRET_KEY", "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
VERIFICATION_CODE_BACKEND = "veche.accounts.verification.backends.LocmemBackend"
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that threads in the concurrency tests share one database; one per
    # process, so that test runs side by side never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"veche-test-{os.getpid()}.sqlite3")
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_veche_{os.getpid()}"}
RATE_LIMITS_ENABLED = True
if "replica" in DATABASES:
    # Tests that create their own database read it as the replica too.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
