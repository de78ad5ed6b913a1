"""Veche: a platform a city runs so that its residents take part in governing it."""

from .celery import app as celery_app

__all__ = ["celery_app"]
