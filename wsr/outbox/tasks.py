"""The relay sweep, run by beat."""

from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def outbox_relay_task() -> int:
    """Publish every pending outbox row (those whose after-commit nudge could not reach the broker)."""
    from wsr.outbox.services import outbox_relay

    total = 0
    while sent := outbox_relay():
        total += sent
    return total


@shared_task(ignore_result=True)
def outbox_purge_task() -> int:
    """Daily: forget published rows older than a week."""
    from wsr.outbox.services import outbox_purge

    return outbox_purge()
