"""SMS background work: sending recorded messages."""

from __future__ import annotations

import random

from celery import shared_task

from complaints.sms.backends import SmsError

MAX_SEND_ATTEMPTS = 8


def backoff(retries: int) -> float:
    """Exponential backoff with full jitter, capped at ten minutes."""
    return random.uniform(0, min(600.0, 5.0 * 2**retries))


@shared_task(bind=True, max_retries=MAX_SEND_ATTEMPTS, ignore_result=True)
def sms_deliver(self, *, message_id: int) -> None:  # type: ignore[no-untyped-def]
    """Send one recorded outbound SMS (safe to run twice); transient failures retry with jitter."""
    from complaints.sms.services import sms_deliver_now

    try:
        sms_deliver_now(message_id=message_id)
    except SmsError as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(bind=True, max_retries=MAX_SEND_ATTEMPTS, ignore_result=True)
def sms_media_fetch(self, *, attachment_id: int) -> None:  # type: ignore[no-untyped-def]
    """Download one MMS medium into storage (safe to run twice); Twilio outages retry with jitter."""
    from complaints.sms.media import MediaUnavailable, media_fetch

    try:
        media_fetch(attachment_id=attachment_id)
    except MediaUnavailable as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc


@shared_task(ignore_result=True)
def sms_conversations_file_idle() -> int:
    """Beat: file SMS conversations that went quiet after telling what happened."""
    from complaints.sms.conversation import conversations_file_idle

    return conversations_file_idle()


@shared_task(ignore_result=True)
def sms_outbound_sweep() -> int:
    """Beat: queue again outbound SMS still ``recorded`` long after they were written (a worker died,
    or the task's retries ran out); give up on very old ones."""
    from complaints.sms.services import sms_outbound_requeue_stuck

    return sms_outbound_requeue_stuck()


@shared_task(ignore_result=True)
def sms_spool_replay() -> int:
    """Beat: replay webhook requests spooled while the database was unreachable."""
    from complaints.sms.spool import spool_replay

    return spool_replay().replayed
