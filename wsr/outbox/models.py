"""The outbox table."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class OutboxEntry(models.Model):
    """One Celery task to publish, committed in the same transaction as the change that needs it."""

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set once the broker first accepted the task; rows stay pending while Redis is unreachable.
    published_at = models.DateTimeField(null=True, blank=True)
    # Set when the task returned (or the relay gave up on it): until then the row is published again
    # at ``republish_at``, because the broker may have lost it (Redis restarted without persistence,
    # failed over, evicted it) or the worker running it died.
    done_at = models.DateTimeField(null=True, blank=True)
    republish_at = models.DateTimeField(null=True, blank=True)
    publications = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)  # publications the broker refused
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name_plural = "outbox entries"
        indexes = [
            models.Index(fields=["id"], condition=Q(published_at__isnull=True), name="outbox_pending_idx"),
            models.Index(
                fields=["republish_at"],
                condition=Q(published_at__isnull=False, done_at__isnull=True),
                name="outbox_undone_idx",
            ),
        ]

    def __str__(self) -> str:
        state = "done" if self.done_at else "published" if self.published_at else "pending"
        return f"{self.task} ({state})"
