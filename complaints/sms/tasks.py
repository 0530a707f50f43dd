"""SMS background work: sending recorded messages."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from complaints.sms.backends import SmsError
from complaints.sms.media import MediaUnavailable

# Transient failures retry with exponential backoff and full jitter (5 s, 10 s, … capped at
# TASK_RETRY_BACKOFF_MAX); after the last retry, the outbox publishes the task again later.
RETRY = {
    "retry_backoff": 5, "retry_backoff_max": settings.TASK_RETRY_BACKOFF_MAX, "retry_jitter": True, "max_retries": 8,
}  # fmt: skip


@shared_task(autoretry_for=(SmsError,), ignore_result=True, **RETRY)
def sms_deliver(*, message_id: int) -> None:
    """Send one recorded outbound SMS (safe to run twice, or at once in two workers). ``sms_deliver_now``
    raises ``SmsError`` only when trying again may help."""
    from complaints.sms.services import sms_deliver_now

    sms_deliver_now(message_id=message_id)


@shared_task(autoretry_for=(MediaUnavailable,), ignore_result=True, **RETRY)
def sms_media_fetch(*, attachment_id: int) -> None:
    """Download one MMS medium into storage (safe to run twice); Twilio outages retry."""
    from complaints.sms.media import media_fetch

    media_fetch(attachment_id=attachment_id)


@shared_task(ignore_result=True)
def sms_conversations_file_idle() -> int:
    """Beat: file SMS conversations that went quiet after telling what happened."""
    from complaints.sms.conversation import conversations_file_idle

    return conversations_file_idle()


@shared_task(ignore_result=True)
def sms_spool_replay() -> int:
    """Beat: replay webhook requests spooled while the database was unreachable."""
    from complaints.sms.spool import spool_replay

    return spool_replay().replayed
