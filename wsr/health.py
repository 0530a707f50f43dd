"""The health check behind ``/healthz``: the database, Redis and a Celery worker, cheaply.

``/healthz`` is public, because load balancers and orchestrators cannot sign in, so nobody may be
able to make it expensive:

- the Celery check returns on the first worker's pong instead of waiting out its timeout;
- each web process keeps its last answer for ``HEALTHZ_CACHE_SECONDS``; within that window a call
  costs nothing but the lookup, whoever sends it and however often;
- when the answer is stale, one request of the process refreshes it while concurrent ones get the
  previous answer at once, so an unreachable dependency holds at most one worker per process for
  its timeout, once per window (only a process's very first check is waited for);
- the answer names which component failed, never why: exception names go to the log only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    components: dict[str, str]  # {"database": "ok" | "error", ...}
    checked_at: float  # time.monotonic()

    @property
    def healthy(self) -> bool:
        return all(value == "ok" for value in self.components.values())


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis() -> None:
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache round trip failed")


def _check_celery() -> None:
    from wsr.celery import app as celery_app

    # limit=1: the broadcast returns as soon as one worker answers, not after the whole timeout.
    if not celery_app.control.ping(timeout=settings.HEALTHZ_CELERY_TIMEOUT, limit=1):
        raise RuntimeError("no worker answered")


CHECKS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("database", _check_database),
    ("redis", _check_redis),
    ("celery", _check_celery),
)

_last: Health | None = None
_refreshing = threading.Lock()


def health_check_now() -> Health:
    """Run every check (each failure is reported, never raised) and remember the answer."""
    global _last
    components: dict[str, str] = {}
    for name, check in CHECKS:
        try:
            check()
            components[name] = "ok"
        except Exception as exc:  # any failure of a dependency is reported, never raised
            logger.warning("healthz: %s failed: %s", name, exc.__class__.__name__)
            components[name] = "error"
    _last = Health(components=components, checked_at=time.monotonic())
    return _last


def health() -> Health:
    """This process's last answer while fresh; else refreshed by one caller while the others get the
    last answer (the first check of a process is waited for)."""
    last = _last
    if last is not None and time.monotonic() - last.checked_at < settings.HEALTHZ_CACHE_SECONDS:
        return last
    if _refreshing.acquire(blocking=last is None):
        try:
            if _last is not last and _last is not None:  # another caller refreshed it meanwhile
                return _last
            return health_check_now()
        finally:
            _refreshing.release()
    assert last is not None  # a non-blocking acquire fails only while an answer exists
    return last


def health_forget() -> None:
    """Drop the remembered answer (tests; the next call checks again)."""
    global _last
    _last = None
