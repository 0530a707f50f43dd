"""Background tasks ride out a database outage: they are retried, not dropped (wsr/tasks.py)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from celery.signals import task_retry
from django.db import connection

from wsr.deadlines.tasks import deadline_scan_task


def _closed_port() -> int:
    """A local TCP port nobody listens on: connecting to it is refused, like a database that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Outage:
    """The real PostgreSQL connection points at a port where nothing answers until ``end()``."""

    def __init__(self) -> None:
        self.saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
        self.retries = 0
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))

    def end(self) -> None:
        connection.close()
        connection.settings_dict.update(self.saved)


@pytest.fixture
def outage_until_first_retry(transactional_db: None) -> Iterator[Outage]:
    outage = Outage()

    def database_back(**_: Any) -> None:
        outage.retries += 1
        outage.end()

    task_retry.connect(database_back, weak=False)
    try:
        yield outage
    finally:
        task_retry.disconnect(database_back)
        outage.end()


def test_a_task_that_meets_a_database_outage_is_retried_and_succeeds_once_the_database_is_back(
    outage_until_first_retry,
):
    result = deadline_scan_task.apply()
    assert outage_until_first_retry.retries == 1
    assert result.state == "SUCCESS", result.traceback
