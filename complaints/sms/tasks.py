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
