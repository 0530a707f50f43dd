"""The periodic scan."""

from __future__ import annotations

from celery import shared_task

from wsr.tasks import TRANSIENT_ERRORS


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, retry_jitter=True, max_retries=3)
def deadline_scan_task() -> int:
    """Every minute (beat): escalate passed deadlines. Safe to run twice or in parallel: each deadline
    escalates once (see ``wsr.deadlines.services``). Returns how many deadlines escalated."""
    from wsr.deadlines.services import deadline_scan

    return deadline_scan().escalations
