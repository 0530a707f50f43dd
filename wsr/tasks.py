"""Helpers shared by every app's tasks."""

from __future__ import annotations

# Errors worth another try: the broker or the database blinked, a remote service timed out.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)
