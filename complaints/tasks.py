"""Background work of the complaints app (SMS tasks live in ``complaints/sms/tasks.py``)."""

from __future__ import annotations

from celery import shared_task

from wsr.tasks import TRANSIENT_ERRORS


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, retry_jitter=True, max_retries=3)
def escalation_scan_task() -> int:
    """Every minute (beat): escalate passed deadlines. Safe to run twice or in parallel: each deadline
    escalates once (see ``complaints.escalation``). Returns how many deadlines escalated."""
    from complaints.escalation import escalation_scan

    return escalation_scan().escalations
