"""Production settings for the scale-out suites' processes, with four test-only changes.

- Static files come from the finders, not from collectstatic's compressed manifest: collecting
  takes minutes on a loaded machine, and no test here fetches a static file.
- A task taken by a worker that dies is given to a worker again after about 10 s, not after
  kombu's default hour (acks_late keeps it in the broker; the visibility timeout says when it returns).
- Celery logs at INFO: the harness waits for the worker's "ready." line.
- Mail is written to files in $SCALEOUT_MAIL_DIR, so that a test can count the letters sent.
"""

import copy
import os

from veche.settings.prod import *  # noqa: F403
from veche.settings.prod import LOGGING, STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 10,
    "unacked_restore_interval": 2,
    "unacked_restore_throttle": 1,
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["SCALEOUT_MAIL_DIR"]
LOGGING = copy.deepcopy(LOGGING)
LOGGING.setdefault("loggers", {}).setdefault("celery", {})["level"] = "INFO"
