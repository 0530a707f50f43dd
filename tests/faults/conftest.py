"""Real Celery worker and beat processes for the fault tests, started and killed by the test.

The processes use this test run's own database (the test database, committed rows only: the tests
are transactional) and its own Redis database, which is flushed before and after each test. Twilio
and SMTP are the fakes of ``fakes.py``; the worker reaches the fake Twilio through
``tests.faults.launcher``. Every process is killed at the end of its test, also when the test fails,
and its log is printed when the test fails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection

from tests.complaints.sms.conftest import ACCOUNT_SID, BASE_URL, TOKEN
from tests.faults.fakes import FakeSmtp, FakeTwilio
from tests.network.conftest import wait_until
from wsr.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
FROM_NUMBER = "+18135550100"
# Short leases so that recovery happens within a test; production values are in docs/reliability.md.
LEASE_SECONDS = 4
SWEEP_SECONDS = 1
RECONCILE_AFTER_SECONDS = 3


def database_url() -> str:
    """The URL of the database this test uses (the test database, not the configured one)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def pool_children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux ``/proc``)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


class Processes:
    """Starts ``celery worker`` and ``celery beat`` subprocesses; kills them all on ``stop_all``."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.started: list[tuple[str, subprocess.Popen[bytes], Path]] = []

    def _spawn(self, label: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = self.folder / f"{len(self.started)}-{label}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, *args], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill reaches the pool too
            )  # fmt: skip
        self.started.append((label, process, log))
        return process

    def start_worker(self, *, concurrency: int = 2) -> subprocess.Popen[bytes]:
        """A prefork worker answering pings (its pool is started by then)."""
        name = f"faults-{uuid.uuid4().hex[:8]}@localhost"
        process = self._spawn(
            "worker",
            ["-m", "tests.faults.launcher", "-A", "wsr", "worker", "-P", "prefork", "-c", str(concurrency),
             "-n", name, "-l", "INFO", "--without-gossip", "--without-mingle"],
        )  # fmt: skip

        def answers() -> bool:
            assert process.poll() is None, f"the worker exited early:\n{self.logs()}"
            return bool(celery_app.control.ping(destination=[name], timeout=0.5))

        wait_until(answers, what="the worker to answer a ping", timeout=45)
        wait_until(lambda: len(pool_children(process.pid)) >= concurrency, what="the worker's pool", timeout=20)
        return process

    def start_beat(self) -> subprocess.Popen[bytes]:
        return self._spawn(
            "beat", ["-m", "tests.faults.launcher", "-A", "wsr", "beat", "-l", "INFO", "-s", str(self.folder / "beat")]
        )

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the process and everything it started (the pool)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    @staticmethod
    def kill_pool(process: subprocess.Popen[bytes]) -> int:
        """SIGKILL the worker's pool processes (the main process stays and starts new ones)."""
        children = pool_children(process.pid)
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return len(children)

    def stop_all(self) -> None:
        for _, process, _ in self.started:
            self.kill(process)

    def logs(self) -> str:
        return "\n".join(
            f"--- {label} ({log.name})\n{log.read_text(errors='replace')[-6000:]}" for label, _, log in self.started
        )


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_smtp() -> Iterator[FakeSmtp]:
    fake = FakeSmtp().start()
    yield fake
    fake.stop()


def _flush_own_redis() -> None:
    # This test run's own Redis database only (FLUSHDB, never FLUSHALL): queued tasks, unacknowledged
    # ones of killed workers and beat's schedule leave nothing behind for the next test.
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    try:
        client.flushdb()
    finally:
        client.close()


@pytest.fixture
def processes(
    transactional_db: None, settings: Any, tmp_path: Path, fake_twilio: FakeTwilio, fake_smtp: FakeSmtp, request: Any
) -> Iterator[Processes]:
    """Worker and beat processes wired to this test's database, Redis, fake Twilio and fake SMTP."""
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
    settings.TWILIO_FROM_NUMBER = FROM_NUMBER
    settings.PUBLIC_BASE_URL = BASE_URL
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OUTBOX_LEASE_SECONDS = LEASE_SECONDS  # the relay in this process publishes with this lease
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_SETTINGS"))}
    env.update(
        DATABASE_URL=database_url(), REDIS_URL=django_settings.REDIS_URL, DEBUG="false", DB_CONN_MAX_AGE="0",
        SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=TOKEN, TWILIO_FROM_NUMBER=FROM_NUMBER,
        PUBLIC_BASE_URL=BASE_URL, FAKE_TWILIO_URL=fake_twilio.url, NO_PROXY="127.0.0.1,localhost",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(fake_smtp.port), MEDIA_ROOT=str(tmp_path / "media"), SPOOL_DIR=str(tmp_path / "spool"),
        OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS), OUTBOX_SWEEP_SECONDS=str(SWEEP_SECONDS),
        SMS_RECONCILE_AFTER_SECONDS=str(RECONCILE_AFTER_SECONDS), LOG_LEVEL="INFO",
    )  # fmt: skip
    _flush_own_redis()
    started = Processes(env, tmp_path)
    try:
        yield started
    finally:
        started.stop_all()
        fake_twilio.release()
        fake_smtp.release()
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            print(started.logs())  # noqa: T201 - shown with the failure
        _flush_own_redis()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Any:
    # Lets the fixture above know whether the test failed, to print the processes' logs.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
