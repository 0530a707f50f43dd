"""/healthz reports the database, Redis and a Celery worker; 503 names what failed (SPEC 5).

It is public (load balancers cannot sign in), so it must stay cheap whoever calls it: the Celery ping
returns on the first pong, and each process answers from its last check for a few seconds, one
caller refreshing a stale answer while the others get the previous one at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from wsr.health import health_forget

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_health() -> Iterator[None]:
    health_forget()
    yield
    health_forget()


def timed_get() -> tuple[float, int]:
    started = time.monotonic()
    status = Client().get("/healthz").status_code
    return time.monotonic() - started, status


def test_healthz_is_200_with_every_component_ok_when_a_worker_runs(celery_worker):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok", "celery": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_is_503_naming_celery_when_no_worker_answers(settings):
    settings.HEALTHZ_CELERY_TIMEOUT = 0.3
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "database": "ok", "redis": "ok", "celery": "error"}


def test_healthz_needs_no_login_and_answers_plain_http_without_redirect():
    # Load balancers probe it over HTTP inside the network; SECURE_SSL_REDIRECT exempts it.
    response = Client().get("/healthz", secure=False)
    assert response.status_code in (200, 503)
    assert response["Content-Type"] == "application/json"


def test_healthz_refuses_other_methods_without_error():
    assert Client().post("/healthz").status_code == 405


def test_a_running_worker_answers_at_once_not_after_the_ping_timeout(celery_worker, settings):
    settings.HEALTHZ_CELERY_TIMEOUT = 3.0
    elapsed, status = timed_get()
    assert status == 200
    assert elapsed < 1.5


def test_repeated_calls_reuse_the_last_answer_for_a_few_seconds(settings):
    settings.HEALTHZ_CELERY_TIMEOUT = 1.0
    settings.HEALTHZ_CACHE_SECONDS = 30
    first, status = timed_get()
    assert status == 503 and first >= 1.0  # nobody answers the ping: the first check waits it out
    again = [timed_get() for _ in range(5)]
    assert all(status == 503 and elapsed < 0.3 for elapsed, status in again)


def test_concurrent_calls_do_not_hold_workers_for_the_timeout(settings):
    """Eight probes at once while no worker answers the ping: one refreshes the stale answer and
    waits the timeout; the others answer at once instead of all waiting (a web worker each)."""
    settings.HEALTHZ_CELERY_TIMEOUT = 1.0
    settings.HEALTHZ_CACHE_SECONDS = 0.2
    timed_get()  # this process's first answer
    time.sleep(0.3)  # now stale

    def probe(_: int) -> tuple[float, int]:
        try:
            return timed_get()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(probe, range(8)))
    assert len(results) == 8 and all(status == 503 for _, status in results)
    slow = [elapsed for elapsed, _ in results if elapsed >= 0.5]
    assert len(slow) <= 1, sorted(round(elapsed, 2) for elapsed, _ in results)
