"""A case's deadlines (SPEC 4.4) in the shared deadline mechanism (``wsr.deadlines``).

The stages are one table, ``complaints.choices.DEADLINE_STAGES``. Every write that changes a case's
status, a stage's completion or a due time calls ``complaint_deadlines_sync`` in its transaction, so
the ledger holds exactly the deadlines the case owes; the shared scan escalates each passed one
exactly once (see ``wsr.deadlines.services``), re-checking here under its lock that the case still
owes it.

Escalating a case's deadline writes an ``escalated`` event, flags the case (``escalated_at``, shown
in the queue) and tells the assignee and every monitor lead, one digest per person per scan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from django.db import connection
from django.utils import timezone
from psycopg.types.json import Jsonb

from complaints.choices import DEADLINE_STAGES, DeadlineStage, EventKind
from complaints.models import Complaint
from wsr.deadlines.registry import DeadlineKind, Notice, Passed, deadline_kind_register
from wsr.deadlines.services import deadlines_sync
from wsr.network.selectors import monitor_leads


def deadline_kind_name(stage: DeadlineStage) -> str:
    return f"complaints.{stage.kind}"


def stage_owed(stage: DeadlineStage, complaint: Complaint) -> bool:
    """Whether ``complaint`` owes ``stage`` now (its status owes it and it is not done)."""
    return complaint.status in stage.owed_while and getattr(complaint, stage.done) is None


def complaint_deadlines_sync(*, complaints: Iterable[Complaint], new: bool = False) -> None:
    """Register the deadlines the cases owe now and close the others (see ``wsr.deadlines``).
    Call in the transaction of the change, with the instances as saved."""
    deadlines_sync(
        (
            (deadline_kind_name(stage), c.pk, getattr(c, stage.due) if stage_owed(stage, c) else None)
            for c in complaints
            for stage in DEADLINE_STAGES
        ),
        new=new,
    )


def _still_owed(stage: DeadlineStage) -> Callable[[Sequence[int]], set[int]]:
    def still_owed(ids: Sequence[int]) -> set[int]:
        return set(
            Complaint.objects.filter(
                pk__in=ids, status__in=stage.owed_while, **{f"{stage.done}__isnull": True}
            ).values_list("pk", flat=True)
        )

    return still_owed


def _escalate(stage: DeadlineStage) -> Callable[[Sequence[Passed], datetime], list[Notice]]:
    def escalate(passed: Sequence[Passed], now: datetime) -> list[Notice]:
        from complaints.workflow import case_path

        due_at = {p.object_id: p.due_at for p in passed}
        cases = list(Complaint.objects.filter(pk__in=list(due_at)).values_list("pk", "reference", "assignee_id"))
        label = stage.kind.label
        with connection.cursor() as cursor:
            # One statement for the events (``Event`` rows as ``event_record`` would write them).
            cursor.execute(
                """
                INSERT INTO complaints_event (complaint_id, kind, from_status, to_status, reason, data, created_at)
                SELECT complaint_id, %s, '', '', %s, data, %s
                FROM unnest(%s::bigint[], %s::jsonb[]) AS e(complaint_id, data)
                """,
                [
                    EventKind.ESCALATED,
                    f"{label} deadline passed.",
                    timezone.now(),
                    [pk for pk, _, _ in cases],
                    [Jsonb({"deadline": stage.kind, "due_at": due_at[pk].isoformat()}) for pk, _, _ in cases],
                ],
            )
            cursor.execute(
                "UPDATE complaints_complaint SET escalated_at = GREATEST(escalated_at, %s) WHERE id = ANY(%s)",
                [now, list(due_at)],
            )
        leads = list(monitor_leads().values_list("pk", flat=True))
        return [
            Notice(
                user_id=user_id,
                subject=f"Deadline passed: case {reference} ({label.lower()})",
                line=f"case {reference}: {label} was due {due_at[pk]:%Y-%m-%d %H:%M} UTC",
                url=case_path(reference),
                digest_url=OVERDUE_QUEUE,
            )
            for pk, reference, assignee_id in cases
            for user_id in {*leads, *([assignee_id] if assignee_id else [])}
        ]

    return escalate


OVERDUE_QUEUE = "/monitor/?overdue=1"


def deadline_kinds_register() -> None:
    """Called from ``ComplaintsConfig.ready``."""
    for stage in DEADLINE_STAGES:
        deadline_kind_register(
            DeadlineKind(
                name=deadline_kind_name(stage),
                label=stage.kind.label,
                still_owed=_still_owed(stage),
                escalate=_escalate(stage),
            )
        )
