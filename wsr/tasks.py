"""Helpers shared by every app's tasks."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

# Errors worth another try: the broker or the database blinked (a refused or dropped connection is
# Django's OperationalError or InterfaceError, which are not OSErrors), a remote service timed out.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    OSError,
    OperationalError,
    InterfaceError,
)
