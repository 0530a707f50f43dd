"""The outbox's tests run tasks in the registry's real Celery worker fixture."""

from tests.network.conftest import celery_worker

__all__ = ["celery_worker"]
