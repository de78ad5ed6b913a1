"""Background tasks of notifications; each may run twice and still sends once."""

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from veche.notifications.models import Notification


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_notification_email(self: Task, notification_id: int) -> bool:
    # Claim the notice first: of two workers given the same task, only one sends.
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    recipient = notification.recipient
    # In the language the recipient chose in their profile (their sign-up's language until then).
    with translation.override(recipient.language):
        body = notification.body_text
        if notification.url:
            body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{notification.url}"
        body += "\n\n" + _("You can turn these e-mails off in your profile.")
        try:
            send_mail(notification.title_text, body, None, [recipient.email])
        except Exception as exc:
            Notification.objects.filter(pk=notification_id).update(emailed_at=None)
            raise self.retry(exc=exc) from exc
    return True
