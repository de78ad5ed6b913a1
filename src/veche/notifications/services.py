"""Every write to notifications: notify people, mark notices read, follow and unfollow."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from veche.accounts.models import User
from veche.core.tasks import enqueue_on_commit
from veche.notifications.messages import Message, encode
from veche.notifications.models import Follow, Notification

Text = Message | str | Promise


def notify(
    *, recipients: Iterable[User], kind: str, title: Text, body: Text = "", url: str = ""
) -> list[Notification]:
    """Leave a notice for each recipient; e-mail it after commit.

    A `title` given as a `message` is kept with its arguments and written out in the reader's
    language whenever the notice is shown; the title and body are also stored as written in the
    recipient's language now. Plain text (user content in a body) is kept as given.
    """
    params = {"title": encode(title), "body": encode(body)} if isinstance(title, Message) else None
    created = []
    for recipient in {r.pk: r for r in recipients if r.is_active and not r.deleted_at}.values():
        notification = Notification(recipient=recipient, kind=kind, params=params, url=url)
        with translation.override(recipient.language):
            if params is None:
                notification.title, notification.body = str(title)[:200], str(body)
            else:
                notification.title, notification.body = notification.title_text, notification.body_text
            notification.save()
        created.append(notification)
        if recipient.email_notifications and recipient.email:
            from veche.notifications.tasks import send_notification_email

            enqueue_on_commit(send_notification_email, notification.pk)
    return created


def notify_followers(
    *,
    target: models.Model,
    kind: str,
    title: Text,
    body: Text = "",
    url: str = "",
    exclude: User | None = None,
) -> list[Notification]:
    followers = User.objects.filter(
        follows__content_type=ContentType.objects.get_for_model(target), follows__object_id=target.pk
    )
    if exclude is not None:
        followers = followers.exclude(pk=exclude.pk)
    return notify(recipients=followers, kind=kind, title=title, body=body, url=url)


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the given notices (or all) of `user` read; returns how many changed."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def follow(*, user: User, target: models.Model) -> Follow:
    """Follow `target`; following twice (even at the same moment) keeps one follow."""
    content_type = ContentType.objects.get_for_model(target)
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, content_type=content_type, object_id=target.pk)
    except IntegrityError:
        return Follow.objects.get(user=user, content_type=content_type, object_id=target.pk)


def unfollow(*, user: User, target: models.Model) -> None:
    Follow.objects.filter(
        user=user, content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).delete()
