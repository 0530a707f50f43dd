"""Writing to the outbox, relaying it to the Celery broker, and publishing again what was never done.

``outbox_enqueue(task, **kwargs)`` inside a transaction stores a row; after commit a background thread
nudges the relay for that row, so the request never waits for (or on) Redis. ``outbox_relay`` (beat,
every few seconds) publishes whatever is still pending: rows whose nudge failed because the broker was
down go out once it is back.

Publishing is not the end of a row: the task carries the row's id in a message header, and marks the
row done when it returns (``outbox_task_succeeded``). A row published but not done by its
``republish_at`` is published again by the same sweep, because the broker may have lost the task
(Redis restarted without persistence, failed over, or evicted it) or the worker running it died
without Redis ever redelivering it. The lease is ``OUTBOX_LEASE_SECONDS`` after the first publication,
doubling after each further one up to an hour; a retry postpones it past the retry's countdown. After
``OUTBOX_GIVE_UP_HOURS`` a row is given up (logged as an error). So every task run through the outbox
runs at least once, possibly more: each one is idempotent (docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from wsr.outbox.models import OutboxEntry

logger = logging.getLogger(__name__)

# One thread: nudges are tiny, and with the broker down they must not pile up connections.
_nudger = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-nudge")
RELAY_BATCH = 500
# The message header that tells a running task which outbox row it is doing.
OUTBOX_HEADER = "wsr_outbox_id"
LEASE_CAP_SECONDS = 3600


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


def lease(publications: int) -> timedelta:
    """How long a row published ``publications`` times may take before it is published again."""
    seconds = settings.OUTBOX_LEASE_SECONDS * 2 ** max(0, publications - 1)
    return timedelta(seconds=min(seconds, max(LEASE_CAP_SECONDS, settings.OUTBOX_LEASE_SECONDS)))


def outbox_relay(*, ids: Iterable[int] | None = None, limit: int = RELAY_BATCH) -> int:
    """Publish pending outbox rows (all, or only ``ids``); without ``ids``, also publish again the rows
    whose ``republish_at`` passed without their task being done, and give up on very old ones.
    Returns how many went out.

    Rows are locked with ``SKIP LOCKED``, so relays running at once never publish a row twice between
    them. Stops at the first broker error, keeping the rest as they were.
    """
    from wsr.celery import app

    now = timezone.now()
    published: list[OutboxEntry] = []
    with transaction.atomic():
        pending = OutboxEntry.objects.filter(published_at__isnull=True)
        if ids is not None:
            pending = pending.filter(pk__in=list(ids))
        rows = list(pending.order_by("id").select_for_update(skip_locked=True)[:limit])
        if ids is None:
            _give_up_old(now=now)
            due = OutboxEntry.objects.filter(published_at__isnull=False, done_at__isnull=True, republish_at__lte=now)
            rows += due.order_by("republish_at").select_for_update(skip_locked=True)[: limit - len(rows)]
        error = ""
        for row in rows:
            try:
                app.send_task(row.task, kwargs=row.kwargs, headers={OUTBOX_HEADER: row.pk}, retry=False)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:300]
                break
            published.append(row)
        _record_publications(published, now=now)
        if error:
            stuck = rows[len(published)].pk  # the row the broker refused; the rest were not tried
            OutboxEntry.objects.filter(pk=stuck).update(attempts=F("attempts") + 1, last_error=error)
            logger.warning("outbox relay stopped at the broker: %s", error)
    again = sum(1 for row in published if row.publications)
    if again:
        logger.warning("outbox: published %d task(s) again that were published but never done", again)
    return len(published)


def _record_publications(rows: list[OutboxEntry], *, now: datetime) -> None:
    by_count: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_count[row.publications + 1].append(row.pk)
    for count, pks in by_count.items():
        OutboxEntry.objects.filter(pk__in=pks).update(
            published_at=Coalesce(F("published_at"), now), publications=count, republish_at=now + lease(count)
        )


def _give_up_old(*, now: datetime) -> None:
    hours = settings.OUTBOX_GIVE_UP_HOURS
    old = OutboxEntry.objects.filter(
        published_at__isnull=False, done_at__isnull=True, created_at__lt=now - timedelta(hours=hours)
    )
    tasks = sorted(set(old.values_list("task", flat=True)))
    if tasks and (count := old.update(done_at=now, last_error=f"gave up: not done within {hours} hours")):
        logger.error("outbox: gave up on %d task(s) never done in %d hours: %s", count, hours, ", ".join(tasks))


def outbox_task_succeeded(*, entry_id: int) -> None:
    """The task of row ``entry_id`` returned: its work is done, never publish it again."""
    OutboxEntry.objects.filter(pk=entry_id, done_at__isnull=True).update(done_at=timezone.now())


def outbox_task_retrying(*, entry_id: int, countdown: float) -> None:
    """The task of row ``entry_id`` will run again in ``countdown`` seconds: wait that long, plus the
    lease, before publishing it again."""
    at = timezone.now() + timedelta(seconds=countdown) + lease(1)
    OutboxEntry.objects.filter(pk=entry_id, done_at__isnull=True, republish_at__lt=at).update(republish_at=at)


def outbox_purge(*, older_than_days: int = 7) -> int:
    """Delete rows done more than ``older_than_days`` ago; returns how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxEntry.objects.filter(done_at__lt=cutoff).delete()
    return deleted
