"""Celery application: eager in the embedded default, Redis broker when configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veche.settings.dev")

app = Celery("veche")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
