"""The deadline ledger shared by every app: what is owed by when, and whether it escalated."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Deadline(models.Model):
    """A time by which something owed must happen; escalated once if it passes unmet.

    ``kind`` names a registered kind (``wsr.deadlines.registry``), which says what ``object_id`` is
    (a complaint, a corrective action...), whether it is still owed and whom to tell. A row is
    *open* until ``closed_at`` (met, no longer owed, or replaced by a later deadline); an open row
    escalates at most once (``escalated_at``).
    """

    kind = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    due_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One open deadline per kind and object: registering again moves it (ON CONFLICT).
            models.UniqueConstraint(
                fields=["kind", "object_id"], condition=Q(closed_at__isnull=True), name="deadlines_one_open_per_object"
            ),
            models.CheckConstraint(
                condition=Q(escalated_at__isnull=True) | Q(escalated_at__gte=models.F("due_at")),
                name="deadlines_escalated_after_due",
            ),
        ]
        indexes = [
            # The scan reads only these: open, not escalated, by due time. Escalated and closed rows
            # leave the index, so a scan costs what has newly passed, however much is long overdue.
            models.Index(
                fields=["due_at"],
                condition=Q(closed_at__isnull=True, escalated_at__isnull=True),
                name="deadlines_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} due {self.due_at:%Y-%m-%d %H:%M}"
