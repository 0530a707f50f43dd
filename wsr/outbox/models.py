"""The outbox table."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class OutboxEntry(models.Model):
    """One Celery task to publish, committed in the same transaction as the change that needs it."""

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once the broker accepted the task; rows stay pending while Redis is unreachable.
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "outbox entries"
        indexes = [
            models.Index(fields=["id"], condition=Q(published_at__isnull=True), name="outbox_pending_idx"),
        ]

    def __str__(self) -> str:
        state = "published" if self.published_at else "pending"
        return f"{self.task} ({state})"
