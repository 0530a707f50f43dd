"""Row history of cases, findings and remedies, written by database triggers (django-pghistory).

Triggers see every write, including ``QuerySet.update()`` and raw SQL, which signal-based history
misses. The timeline (``Event``) says what happened in the monitor's words; these tables keep every
version of the rows, with the request's user and URL as context (``pghistory.middleware``).

Columns derived by the database (``severity_rank``, ``next_due``, ``search_vector``), the web
receipt-code hash and the escalation flag are not copied: the first are recomputed, the hash is a
secret, the flag mirrors the deadline ledger (``wsr.deadlines``). An update that changes only those
fires nothing.
"""

from __future__ import annotations

import pghistory

from complaints.models.case import Complaint
from complaints.models.investigation import CaseFinding, Remedy

# ``escalated_at`` is recorded by the deadline ledger itself; leaving it out keeps the per-minute
# scan's flag update from firing the history trigger on thousands of rows at once (each trigger call
# runs PL/pgSQL exception blocks, i.e. subtransactions).
COMPLAINT_UNTRACKED = ["search_vector", "severity_rank", "next_due", "receipt_code_hash", "escalated_at"]


def _trackers() -> tuple[pghistory.RowEvent, ...]:
    # Fresh instances per model: a tracker binds its trigger condition to the first model it sees.
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


def _obj_field() -> pghistory.ObjForeignKey:
    # ``Complaint.events`` is the timeline; history rows are reached as ``.history``.
    return pghistory.ObjForeignKey(related_name="history", related_query_name="history")


# append_only: a trigger refuses updates and deletes of history rows.
ComplaintHistory = pghistory.create_event_model(
    Complaint, *_trackers(), exclude=COMPLAINT_UNTRACKED, model_name="ComplaintHistory", abstract=False,
    obj_field=_obj_field(),
    append_only=True,
)  # fmt: skip
CaseFindingHistory = pghistory.create_event_model(
    CaseFinding, *_trackers(), model_name="CaseFindingHistory", abstract=False, obj_field=_obj_field(), append_only=True
)
RemedyHistory = pghistory.create_event_model(
    Remedy, *_trackers(), model_name="RemedyHistory", abstract=False, obj_field=_obj_field(), append_only=True
)
