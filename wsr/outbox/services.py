"""Writing to the outbox and relaying it to the Celery broker.

``outbox_enqueue(task, **kwargs)`` inside a transaction stores a row; after commit a background thread
nudges the relay for that row, so the request never waits for (or on) Redis. ``outbox_relay`` (beat,
every few seconds) publishes whatever is still pending: rows whose nudge failed because the broker was
down go out once it is back. Publishing is at-least-once (a crash between the broker accepting a task
and the row being marked publishes it again), so every task run through the outbox is idempotent.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from celery import Task
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from wsr.outbox.models import OutboxEntry

logger = logging.getLogger(__name__)

# One thread: nudges are tiny, and with the broker down they must not pile up connections.
_nudger = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-nudge")
RELAY_BATCH = 500


def outbox_enqueue(task: Task | str, **kwargs: Any) -> OutboxEntry:
    """Record ``task(**kwargs)`` for publication after the current transaction commits.

    Call inside the transaction that makes the change; if it rolls back, the task never runs.
    ``kwargs`` must be JSON (ids, not objects).
    """
    return outbox_enqueue_many(task, [kwargs])[0]


def outbox_enqueue_many(task: Task | str, kwargs_list: Iterable[dict[str, Any]]) -> list[OutboxEntry]:
    """``outbox_enqueue`` for several calls of one task: one insert, one nudge."""
    name = task if isinstance(task, str) else task.name
    entries = OutboxEntry.objects.bulk_create([OutboxEntry(task=name, kwargs=kwargs) for kwargs in kwargs_list])
    if entries:
        transaction.on_commit(lambda: outbox_nudge([entry.pk for entry in entries]))
    return entries


def outbox_nudge(ids: Iterable[int]) -> None:
    """Publish ``ids`` soon, from a background thread; the relay sweep covers any failure."""
    ids = list(ids)
    # RuntimeError: the interpreter is shutting down; the sweep publishes them.
    with contextlib.suppress(RuntimeError):
        _nudger.submit(_nudge, ids)


def _nudge(ids: list[int]) -> None:
    try:
        outbox_relay(ids=ids)
    except Exception:
        logger.warning("outbox nudge failed; the relay sweep will publish %d task(s)", len(ids), exc_info=True)
    finally:
        # This thread's own database connection: close it rather than leak one per thread reuse.
        connections.close_all()


def outbox_relay(*, ids: Iterable[int] | None = None, limit: int = RELAY_BATCH) -> int:
    """Publish pending outbox rows (all, or only ``ids``) to the broker; returns how many went out.

    Rows are locked with ``SKIP LOCKED``, so relays running at once never publish a row twice between
    them. Stops at the first broker error, keeping the rest pending.
    """
    from wsr.celery import app

    published: list[int] = []
    with transaction.atomic():
        pending = OutboxEntry.objects.filter(published_at__isnull=True)
        if ids is not None:
            pending = pending.filter(pk__in=list(ids))
        rows = list(pending.order_by("id").select_for_update(skip_locked=True)[:limit])
        error = ""
        for row in rows:
            try:
                app.send_task(row.task, kwargs=row.kwargs, retry=False)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
                break
            published.append(row.pk)
        if published:
            OutboxEntry.objects.filter(pk__in=published).update(published_at=timezone.now())
        if error:
            stuck = rows[len(published)].pk  # the row the broker refused; the rest were not tried
            OutboxEntry.objects.filter(pk=stuck).update(attempts=F("attempts") + 1, last_error=error)
            logger.warning("outbox relay stopped at the broker: %s", error)
    return len(published)


def outbox_purge(*, older_than_days: int = 7) -> int:
    """Delete published rows older than ``older_than_days``; returns how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxEntry.objects.filter(published_at__lt=cutoff).delete()
    return deleted
