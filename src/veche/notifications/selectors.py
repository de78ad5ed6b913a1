"""Reads of notifications shared by pages and the API."""

from django.db.models import QuerySet

from veche.accounts.models import User
from veche.notifications.models import Notification


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)
