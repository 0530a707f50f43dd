"""The relay sweep, run by beat, and how a task tells the outbox that its work is done."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery import shared_task
from celery.signals import task_retry, task_success
from django.utils import timezone


@shared_task(ignore_result=True)
def outbox_relay_task() -> int:
    """Publish every pending outbox row (those whose after-commit nudge could not reach the broker),
    and again every row published but not done within its lease."""
    from wsr.outbox.services import outbox_relay

    total = 0
    while sent := outbox_relay():
        total += sent
    return total


@shared_task(ignore_result=True)
def outbox_purge_task() -> int:
    """Daily: forget rows done more than a week ago."""
    from wsr.outbox.services import outbox_purge

    return outbox_purge()


def _entry_id(request: Any) -> int | None:
    from wsr.outbox.services import OUTBOX_HEADER

    value = (getattr(request, "headers", None) or {}).get(OUTBOX_HEADER) or getattr(request, OUTBOX_HEADER, None)
    return value if isinstance(value, int) else None


@task_success.connect
def _mark_outbox_row_done(sender: Any = None, **_: Any) -> None:
    # Runs in the worker right after the task returned, before its message is acknowledged.
    if sender is not None and (entry_id := _entry_id(sender.request)) is not None:
        from wsr.outbox.services import outbox_task_succeeded

        outbox_task_succeeded(entry_id=entry_id)


@task_retry.connect
def _postpone_outbox_row(request: Any = None, reason: Any = None, **_: Any) -> None:
    if (entry_id := _entry_id(request)) is None:
        return
    from wsr.outbox.services import outbox_task_retrying

    when = getattr(reason, "when", None)
    countdown = (when - timezone.now()).total_seconds() if isinstance(when, datetime) else float(when or 0)
    outbox_task_retrying(entry_id=entry_id, countdown=max(0.0, countdown))
