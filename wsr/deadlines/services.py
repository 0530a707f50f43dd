"""Registering deadlines and escalating the ones that pass: exactly once, however many scans run.

Apps register what they owe with ``deadlines_sync`` in the transaction that changes it: a due time
opens or moves a deadline, ``None`` closes it (met, or no longer owed). ``deadline_scan`` (Celery
beat, every minute: ``wsr.deadlines.tasks.deadline_scan_task``) escalates every open deadline whose
time has passed:

1. due, open, not yet escalated rows are locked with ``SELECT … FOR UPDATE SKIP LOCKED`` from the
   partial index of pending deadlines: a row another scan is handling is skipped, not waited for,
   and a row a scan committed no longer matches;
2. the kind re-reads, under that lock, which objects still owe it (a deadline met a moment ago is
   closed instead of escalated);
3. ``escalated_at`` is set with a guarded update (``… WHERE escalated_at IS NULL``) in the same
   transaction as the kind's events and the notifications: all or nothing, once.

Several scans at the same moment (two workers, a beat restart, a retried task) therefore escalate
each deadline once. Notifications are one digest per person per batch.

Moving a deadline: one not escalated yet takes the new time (brought forward, it escalates as soon
as the new time passes); one already escalated stays escalated if moved earlier or kept, and is
re-armed (closed and registered afresh) if moved later, so an extension that passes escalates again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from wsr.deadlines.registry import Notice, Passed, deadline_kind
from wsr.network.models import User

logger = logging.getLogger(__name__)

BATCH_SIZE = 10_000
# A digest lists at most this many lines; the rest are counted.
DIGEST_LINES = 200

_CLOSE_SQL = """
    UPDATE deadlines_deadline d SET closed_at = %(now)s
    FROM unnest(%(kinds)s::varchar[], %(ids)s::bigint[], %(dues)s::timestamptz[]) AS n(kind, object_id, due)
    WHERE d.kind = n.kind AND d.object_id = n.object_id AND d.closed_at IS NULL
      AND (n.due IS NULL OR (d.escalated_at IS NOT NULL AND n.due > d.due_at))
"""
_OPEN_SQL = """
    INSERT INTO deadlines_deadline (kind, object_id, due_at, created_at)
    SELECT n.kind, n.object_id, n.due, %(now)s
    FROM unnest(%(kinds)s::varchar[], %(ids)s::bigint[], %(dues)s::timestamptz[]) AS n(kind, object_id, due)
    WHERE n.due IS NOT NULL
    ON CONFLICT (kind, object_id) WHERE closed_at IS NULL
    DO UPDATE SET due_at = EXCLUDED.due_at
    WHERE deadlines_deadline.escalated_at IS NULL AND deadlines_deadline.due_at <> EXCLUDED.due_at
"""


def deadlines_sync(rows: Iterable[tuple[str, int, datetime | None]], *, new: bool = False) -> None:
    """Make the open deadlines match ``rows`` of ``(kind, object_id, due_at or None)``: see the module
    docstring. Each (kind, object_id) at most once. ``new``: the objects were just created, so there
    is nothing to close (one statement instead of two). Call in the transaction of the change."""
    rows = list(rows)
    if not rows:
        return
    dues = [due for _, _, due in rows]
    params: dict[str, Any] = {
        "now": timezone.now(),
        "kinds": [kind for kind, _, _ in rows],
        "ids": [object_id for _, object_id, _ in rows],
        "dues": dues,
    }
    with connection.cursor() as cursor:
        if not new:
            cursor.execute(_CLOSE_SQL, params)
        if any(due is not None for due in dues):
            cursor.execute(_OPEN_SQL, params)


@dataclass
class ScanResult:
    """What one scan did: deadlines escalated, closed as met, notifications created."""

    escalations: int = 0
    closed: int = 0
    notifications: int = 0


_PENDING_SQL = """
    SELECT id, kind, object_id, due_at FROM deadlines_deadline
    WHERE closed_at IS NULL AND escalated_at IS NULL AND due_at <= %(now)s
    ORDER BY due_at, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
"""


def deadline_scan(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> ScanResult:
    """Escalate every passed, unmet, not yet escalated deadline; safe to run concurrently.

    Each batch commits on its own (locks held briefly); returns the totals.
    """
    now = now or timezone.now()
    result = ScanResult()
    while True:
        with transaction.atomic():
            handled = _scan_batch(now=now, batch_size=batch_size, result=result)
        if handled < batch_size:
            return result


def _scan_batch(*, now: datetime, batch_size: int, result: ScanResult) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_PENDING_SQL, {"now": now, "limit": batch_size})
        rows = cursor.fetchall()
    by_kind: dict[str, list[Passed]] = defaultdict(list)
    for pk, kind, object_id, due_at in rows:
        by_kind[kind].append(Passed(deadline_id=pk, object_id=object_id, due_at=due_at))
    escalated: list[int] = []
    closed: list[int] = []
    notices: list[Notice] = []
    for name, passed in by_kind.items():
        kind = deadline_kind(name)
        if kind is None:
            logger.warning("deadline scan: no app handles kind %r; closing %d deadline(s)", name, len(passed))
            closed += [p.deadline_id for p in passed]
            continue
        owed = kind.still_owed([p.object_id for p in passed])
        due = [p for p in passed if p.object_id in owed]
        closed += [p.deadline_id for p in passed if p.object_id not in owed]
        if due:
            marked = set(_mark_escalated([p.deadline_id for p in due], now))
            escalated += marked
            notices += kind.escalate([p for p in due if p.deadline_id in marked], now)
    if closed:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE deadlines_deadline SET closed_at = %s WHERE id = ANY(%s)", [now, closed])
    result.escalations += len(escalated)
    result.closed += len(closed)
    result.notifications += notify_digests(notices)
    return len(rows)


def _mark_escalated(ids: list[int], now: datetime) -> list[int]:
    """The guarded update: only rows still unescalated are marked; returns their ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deadlines_deadline SET escalated_at = %s WHERE id = ANY(%s) AND escalated_at IS NULL RETURNING id",
            [now, ids],
        )
        return [row[0] for row in cursor.fetchall()]


def notify_digests(notices: Sequence[Notice]) -> int:
    """One notification per person: the notice itself, or a digest of several; returns how many."""
    from wsr.network.services import notify_users

    per_user: dict[int, list[Notice]] = defaultdict(list)
    for notice in notices:
        per_user[notice.user_id].append(notice)
    if not per_user:
        return 0
    users = {user.pk: user for user in User.objects.filter(pk__in=list(per_user), is_active=True)}
    created = 0
    for pk, items in per_user.items():
        if pk not in users:
            continue
        if len(items) == 1:
            subject, url = items[0].subject, items[0].url
        else:
            subject = f"{len(items)} deadlines passed"
            urls = {item.digest_url for item in items}
            url = urls.pop() if len(urls) == 1 else "/notifications/"
        lines = [f"- {item.line}" for item in items[:DIGEST_LINES]]
        if len(items) > DIGEST_LINES:
            lines.append(f"… and {len(items) - DIGEST_LINES} more.")
        body = "These deadlines passed:\n" + "\n".join(lines)
        created += len(notify_users(users=[users[pk]], subject=subject, body=body, url=url))
    return created
