"""Deadlines and escalation (SPEC 4.4): every passed, unmet deadline of a case escalates exactly once.

Deadlines live in the case's columns (``acknowledge_due``, ``investigate_due``, ``resolve_due``),
never in task countdowns. ``escalation_scan`` runs every minute from Celery beat
(``complaints.tasks.escalation_scan_task``); several scans may run at the same moment (two workers,
a beat restart, a retried task) and still escalate each deadline once:

1. candidate cases are locked with ``SELECT … FOR UPDATE SKIP LOCKED``: a case another scan is
   handling is skipped, not waited for;
2. escalations are inserted with ``ON CONFLICT (complaint_id, kind) DO NOTHING RETURNING``: the unique
   constraint ``complaints_escalation_once_per_deadline`` has the last word, and only the rows this
   scan actually inserted are notified.

A deadline is *met* when its stage is done (``acknowledged_at``, ``investigation_started_at``,
``resolved_at`` set) or the case has left the stages that owe it; a met deadline never escalates.

Escalating notifies the assignee and every monitor lead (in-app ``Notification`` + e-mail after commit),
one digest per person per batch, and writes an ``escalated`` event per deadline. Every case a scan
handles is marked ``escalated_at`` = the scan's time (the queue shows the flag; overdue cases already
sort first within their severity); the next scans skip deadlines that passed before that mark, so a
scan reads only cases with a newly passed deadline, however many are long overdue.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from complaints.choices import DeadlineKind, EventKind
from wsr.network.choices import Role
from wsr.network.models import User

BATCH_SIZE = 10_000

# kind -> (due column, SQL condition of an unmet deadline); the conditions mirror the status machine.
DEADLINES: dict[str, tuple[str, str]] = {
    DeadlineKind.ACKNOWLEDGE: ("acknowledge_due", "c.status = 'new' AND c.acknowledged_at IS NULL"),
    DeadlineKind.INVESTIGATE: (
        "investigate_due",
        "c.status IN ('new', 'triaged') AND c.investigation_started_at IS NULL",
    ),
    DeadlineKind.RESOLVE: (
        "resolve_due",
        "c.status IN ('new', 'triaged', 'investigating') AND c.resolved_at IS NULL",
    ),
}


def _candidates_sql() -> str:
    # No user input below: column names and kinds are the constants above.
    owed = {kind: f"({unmet} AND c.{column} <= %(now)s)" for kind, (column, unmet) in DEADLINES.items()}
    flags = ", ".join(f"{condition} AS {kind}" for kind, condition in owed.items())
    due = ", ".join(f"c.{column}" for column, _ in DEADLINES.values())
    # A scan marks every case it handles with escalated_at = its "now", having escalated every deadline
    # passed by then; so only a deadline passed since that mark can be new. (Reopening gives a later
    # resolve deadline.) This keeps the per-minute scan from re-reading every long-overdue case.
    new_since_mark = " OR ".join(
        f"(c.{column} > c.escalated_at AND c.{column} <= %(now)s)" for column, _ in DEADLINES.values()
    )
    # Only open cases owe a deadline, and an unmet passed deadline means the current stage's is passed
    # too (acknowledge <= investigate <= resolve): the partial next_due index finds the candidates.
    return f"""
        SELECT c.id, c.reference, c.assignee_id, {due}, {flags}
        FROM complaints_complaint c
        WHERE c.next_due <= %(now)s
          AND c.status IN ('new', 'triaged', 'investigating')
          AND (c.escalated_at IS NULL OR {new_since_mark})
          AND ({" OR ".join(owed.values())})
        ORDER BY c.id
        LIMIT %(limit)s
        FOR UPDATE OF c SKIP LOCKED
    """  # noqa: S608


CANDIDATES_SQL = _candidates_sql()
INSERT_SQL = """
    INSERT INTO complaints_escalation (complaint_id, kind, due_at, escalated_at)
    SELECT * FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[], %s::timestamptz[])
    ON CONFLICT (complaint_id, kind) DO NOTHING
    RETURNING complaint_id, kind
"""


@dataclass
class ScanResult:
    """What one scan did: escalations written, cases touched, notifications created."""

    escalations: int = 0
    cases: int = 0
    notifications: int = 0


@dataclass(frozen=True)
class _Escalated:
    complaint_id: int
    reference: str
    assignee_id: int | None
    kind: str
    due_at: datetime


def escalation_scan(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> ScanResult:
    """Escalate every passed, unmet, not yet escalated deadline; safe to run concurrently.

    Each batch commits on its own (locks held briefly); returns the totals.
    """
    now = now or timezone.now()
    result = ScanResult()
    while True:
        with transaction.atomic():
            escalated, candidates = _escalate_batch(now=now, batch_size=batch_size)
            result.escalations += len(escalated)
            result.cases += len({e.complaint_id for e in escalated})
            result.notifications += _notify(escalated)
        if candidates < batch_size:
            break
    return result


def _escalate_batch(*, now: datetime, batch_size: int) -> tuple[list[_Escalated], int]:
    """One locked batch: (the escalations this scan inserted, how many cases it handled).

    Every handled case is marked ``escalated_at = now`` (never moved back), including one whose
    deadlines a parallel scan escalated first: its passed deadlines are all escalated either way.
    """
    with connection.cursor() as cursor:
        cursor.execute(CANDIDATES_SQL, {"now": now, "limit": batch_size})
        rows = cursor.fetchall()
        if not rows:
            return [], 0
        kinds = list(DEADLINES)
        wanted: dict[tuple[int, str], _Escalated] = {}
        for pk, reference, assignee_id, *rest in rows:
            dues, flags = rest[: len(kinds)], rest[len(kinds) :]
            for kind, due_at, flag in zip(kinds, dues, flags, strict=True):
                if flag:
                    wanted[(pk, kind)] = _Escalated(pk, reference, assignee_id, kind, due_at)
        keys = list(wanted)
        cursor.execute(
            INSERT_SQL,
            [[k[0] for k in keys], [k[1] for k in keys], [wanted[k].due_at for k in keys], [now] * len(keys)],
        )
        inserted = [wanted[(pk, kind)] for pk, kind in cursor.fetchall()]
        cursor.execute(
            "UPDATE complaints_complaint SET escalated_at = GREATEST(escalated_at, %s) WHERE id = ANY(%s)",
            [now, [row[0] for row in rows]],
        )
    # One statement for all the events (``Event`` rows as ``event_record`` would write them).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO complaints_event (complaint_id, kind, from_status, to_status, reason, data, created_at)
            SELECT complaint_id, %s, '', '', reason, data, %s
            FROM unnest(%s::bigint[], %s::text[], %s::jsonb[]) AS e(complaint_id, reason, data)
            """,
            [
                EventKind.ESCALATED,
                timezone.now(),
                [e.complaint_id for e in inserted],
                [f"{DeadlineKind(e.kind).label} deadline passed." for e in inserted],
                [Jsonb({"deadline": e.kind, "due_at": e.due_at.isoformat()}) for e in inserted],
            ],
        )
    return inserted, len(rows)


def _notify(escalated: list[_Escalated]) -> int:
    """One notification per person (assignee, every lead) listing the deadlines that passed."""
    from complaints.workflow import case_path
    from wsr.network.services import notify_users

    if not escalated:
        return 0
    leads = list(
        User.objects.filter(is_active=True, memberships__is_active=True, memberships__role=Role.MONITOR_LEAD)
        .distinct()
        .values_list("pk", flat=True)
    )
    per_user: dict[int, list[_Escalated]] = defaultdict(list)
    for e in escalated:
        for pk in {*leads, *([e.assignee_id] if e.assignee_id else [])}:
            per_user[pk].append(e)
    users = User.objects.in_bulk(list(per_user))
    created = 0
    for pk, items in per_user.items():
        if pk not in users or not users[pk].is_active:
            continue
        if len(items) == 1:
            (e,) = items
            subject = f"Deadline passed: case {e.reference} ({DeadlineKind(e.kind).label.lower()})"
            url = case_path(e.reference)
        else:
            subject = f"{len(items)} case deadlines passed"
            url = "/monitor/?overdue=1"
        lines = [
            f"- {e.reference}: {DeadlineKind(e.kind).label} was due {e.due_at:%Y-%m-%d %H:%M} UTC" for e in items[:200]
        ]
        if len(items) > 200:
            lines.append(f"… and {len(items) - 200} more in the queue (filter: overdue).")
        body = "These deadlines passed without the case moving on:\n" + "\n".join(lines)
        created += len(notify_users(users=[users[pk]], subject=subject, body=body, url=url))
    return created
