"""Helpers shared by every app's tasks."""

from __future__ import annotations

from typing import Any

from celery import Task
from django.db import transaction

# Errors worth another try: the broker or the database blinked, a remote service timed out.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)


def enqueue_on_commit(task: Task, **kwargs: Any) -> None:
    """Queue ``task`` with ``kwargs`` once the current transaction commits; never if it rolls back."""
    transaction.on_commit(lambda: task.delay(**kwargs))
