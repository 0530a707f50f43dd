"""Background work of the registry."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from wsr.tasks import TRANSIENT_ERRORS


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, retry_jitter=True, max_retries=8)
def notification_email_send(*, notification_id: int) -> None:
    """E-mail one in-app notification to its user; quietly does nothing if it is gone or has no address."""
    from wsr.network.models import Notification

    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or not notification.user.email:
        return
    # Claim the e-mail with a guarded update so a redelivered task does not send it twice;
    # give the claim back if sending fails, so the retry sends it.
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return
    try:
        send_mail(notification.subject, notification.body, None, [notification.user.email])
    except BaseException:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise


@shared_task
def supplier_permissions_resync() -> int:
    """Daily: supply relationships start and end on dates, so grants are recomputed from the data."""
    from wsr.network.permissions import all_supplier_permissions_sync

    return all_supplier_permissions_sync()
