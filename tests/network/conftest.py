"""Fixtures for the registry's tests: a real Celery worker, API clients, a clean token throttle."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.cache import cache
from django.db import connections
from rest_framework.test import APIClient

from tests.conftest import pass_second_factor
from wsr.celery import app as celery_app
from wsr.network.models import User


def _close_worker_connections(**_: Any) -> None:
    # The worker thread has its own database connections; close them so none outlives the test.
    connections.close_all()


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    """A real Celery worker (solo pool, in a thread) consuming this test run's Redis queue.

    The queue is purged first so that a task left over by an earlier test cannot be mistaken for one
    of this test's. The test's database is transactional: the worker reads only committed rows,
    exactly as in production (and Celery's Django fixup closes the test thread's connection when the
    worker starts, which would break a test wrapped in one transaction).
    """
    celery_app.control.purge()
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        # No result backend is configured (tasks report through the database), so the built-in
        # ping-task check cannot run; a broadcast ping proves the worker is listening instead.
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            wait_until(lambda: bool(celery_app.control.ping(timeout=0.5)), what="the worker to answer a ping")
            yield worker
    finally:
        task_postrun.disconnect(_close_worker_connections)


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = 20.0) -> None:
    """Poll ``condition`` until it holds; fail the test naming ``what`` did not happen."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def api_client_for() -> Callable[[User | None], APIClient]:
    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)  # a real session, checked by SessionAuthentication
            pass_second_factor(client, user)
        return client

    return make


@pytest.fixture
def fresh_token_throttle() -> None:
    """Forget earlier token attempts from 127.0.0.1 (the throttle's history lives in Redis)."""
    cache.delete("throttle_token_127.0.0.1")
