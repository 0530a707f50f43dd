"""Background work of the registry."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from wsr.network.services import NotificationBusy, notification_email_deliver
from wsr.tasks import TRANSIENT_ERRORS


@shared_task(
    autoretry_for=(*TRANSIENT_ERRORS, NotificationBusy), retry_backoff=True,
    retry_backoff_max=settings.TASK_RETRY_BACKOFF_MAX, retry_jitter=True, max_retries=8,
)  # fmt: skip
def notification_email_send(*, notification_id: int) -> None:
    """E-mail one in-app notification to its user, at least once (safe to run twice)."""
    notification_email_deliver(notification_id=notification_id)


@shared_task
def supplier_permissions_resync() -> int:
    """Daily: supply relationships start and end on dates, so grants are recomputed from the data."""
    from wsr.network.permissions import all_supplier_permissions_sync

    return all_supplier_permissions_sync()
